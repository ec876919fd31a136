import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { hashToken } from '../../../shared/users/sessions.ts';
import { call, expectError, stubFunctionEnvironment } from '../support/http.ts';
import { useInMemoryServices } from '../support/services.ts';

/**
 * The browser session: the session cookie authenticates a request that carries no token header, and a request
 * signed in by it with an unsafe method must come from the service's own origin (Origin, or X-Requested-With
 * when there is no Origin). Bearer tokens never need either.
 */

const ALICE = 'dlk_alices-unit-test-token';
const BOB = 'dlk_bobs-unit-test-token';
const HOST = 'api.example.com';
const OWN_ORIGIN = `https://${HOST}`;
/** How API Gateway presents an https request: the Host the client used, and the protocol it came by. */
const OVER_HTTPS = { host: HOST, 'x-forwarded-proto': 'https' };
const COOKIE = '__Host-delinkcious_session';

const services = useInMemoryServices();
let listTags: HttpHandler;
let addLink: HttpHandler;
let logout: HttpHandler;
let devLogin: HttpHandler;

beforeAll(async () => {
  stubFunctionEnvironment();
  ({ handler: listTags } = await import('../../../functions/links/list-tags.ts'));
  ({ handler: addLink } = await import('../../../functions/links/add-link.ts'));
  ({ handler: logout } = await import('../../../functions/users/logout.ts'));
});
afterAll(() => vi.unstubAllEnvs());

interface Attempt {
  method: 'GET' | 'POST';
  credential: 'cookie' | 'bearer' | 'both';
  origin?: string;
  csrfHeader?: boolean;
}

/** One request of alice's (bob's bearer token beside her cookie for `both`), to a GET or a POST route. */
function attempt({ method, credential, origin, csrfHeader }: Attempt) {
  const headers: Record<string, string> = { ...OVER_HTTPS };
  if (origin !== undefined) headers['origin'] = origin;
  if (csrfHeader) headers['x-requested-with'] = 'delinkcious-web';
  if (credential === 'bearer') headers['authorization'] = `Bearer ${ALICE}`;
  if (credential === 'both') headers['authorization'] = `Bearer ${BOB}`;
  const cookies = credential === 'bearer' ? [] : [`${COOKIE}=${ALICE}`];
  return method === 'GET'
    ? call(listTags, { method, path: '/v1/tags', headers, cookies })
    : call(addLink, { method, path: '/v1/links', headers, cookies, body: { url: 'https://go.dev/' } });
}

describe('the session cookie and the same-origin rule', () => {
  it.each<[string, number, Attempt]>([
    ['a GET by cookie, no Origin', 200, { method: 'GET', credential: 'cookie' }],
    [
      'a GET by cookie from another origin',
      200,
      { method: 'GET', credential: 'cookie', origin: 'https://evil.example' },
    ],
    ['a POST by cookie, same Origin', 201, { method: 'POST', credential: 'cookie', origin: OWN_ORIGIN }],
    [
      'a POST by cookie, same Origin spelled with its default port',
      201,
      { method: 'POST', credential: 'cookie', origin: `https://${HOST}:443` },
    ],
    [
      'a POST by cookie, another origin',
      403,
      { method: 'POST', credential: 'cookie', origin: 'https://evil.example' },
    ],
    [
      'a POST by cookie, a sibling origin of the same site',
      403,
      { method: 'POST', credential: 'cookie', origin: `https://${HOST}:8443` },
    ],
    [
      'a POST by cookie, the same host over http',
      403,
      { method: 'POST', credential: 'cookie', origin: `http://${HOST}` },
    ],
    ['a POST by cookie, no Origin', 403, { method: 'POST', credential: 'cookie' }],
    ['a POST by cookie, Origin null', 403, { method: 'POST', credential: 'cookie', origin: 'null' }],
    [
      'a POST by cookie, no Origin but the CSRF header',
      201,
      { method: 'POST', credential: 'cookie', csrfHeader: true },
    ],
    [
      'a POST by cookie, Origin null and the CSRF header',
      201,
      { method: 'POST', credential: 'cookie', origin: 'null', csrfHeader: true },
    ],
    [
      'a POST by cookie, another origin even with the CSRF header',
      403,
      { method: 'POST', credential: 'cookie', origin: 'https://evil.example', csrfHeader: true },
    ],
    [
      'a POST by cookie, an Origin that is no URL',
      403,
      { method: 'POST', credential: 'cookie', origin: 'not a url' },
    ],
    ['a POST by bearer token, no Origin', 201, { method: 'POST', credential: 'bearer' }],
    [
      'a POST by bearer token, another origin',
      201,
      { method: 'POST', credential: 'bearer', origin: 'https://evil.example' },
    ],
  ])('given %s, then %i', async (_case, status, request) => {
    services.givenSession(ALICE);

    const answer = await attempt(request);

    if (status === 403) {
      const body = expectError(answer, 403, 'forbidden');
      expect(body.error.message).toContain(OWN_ORIGIN);
      expect(services.sessions.lookups).toEqual([]);
      expect(services.links.allOf('alice').length).toBe(0);
    } else {
      expect(answer.status, answer.text).toBe(status);
    }
  });

  it('given a session this instance has verified already, when a POST by cookie comes from another origin, then 403 all the same', async () => {
    services.givenSession(ALICE);
    expect((await attempt({ method: 'GET', credential: 'cookie' })).status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));

    const answer = await attempt({ method: 'POST', credential: 'cookie', origin: 'https://evil.example' });

    expectError(answer, 403, 'forbidden');
    expect(services.links.allOf('alice').length).toBe(0);
  });

  it('given a bearer token and a cookie, then the bearer token is the caller, and no Origin is asked for', async () => {
    services.givenSession(ALICE);
    services.givenSession(BOB, { username: 'bob' });

    const answer = await attempt({ method: 'POST', credential: 'both' });

    expect(answer.status).toBe(201);
    expect(services.sessions.lookups).toContain(hashToken(BOB));
    expect(services.sessions.lookups).not.toContain(hashToken(ALICE));
    expect(services.links.allOf('bob').length).toBe(1);
    expect(services.links.allOf('alice').length).toBe(0);
  });

  it('given an unreadable Authorization header and a good cookie, then 401: the cookie never stands in for a header', async () => {
    services.givenSession(ALICE);

    const answer = await call(listTags, {
      path: '/v1/tags',
      headers: { ...OVER_HTTPS, authorization: 'Basic abc' },
      cookies: [`${COOKIE}=${ALICE}`],
    });

    expectError(answer, 401, 'unauthorized');
  });

  it('given an https request, then only the __Host- cookie counts: a plain-named one is ignored (401)', async () => {
    services.givenSession(ALICE);

    const answer = await call(listTags, {
      path: '/v1/tags',
      headers: OVER_HTTPS,
      cookies: [`delinkcious_session=${ALICE}`],
    });

    expectError(answer, 401, 'unauthorized');
  });

  it('given a plain-http request (the local runtime), then the plain-named cookie signs in, and its Origin is http', async () => {
    services.givenSession(ALICE);

    const answer = await call(addLink, {
      method: 'POST',
      path: '/v1/links',
      headers: { host: 'localhost:3000', origin: 'http://localhost:3000' },
      cookies: [`delinkcious_session=${ALICE}`],
      body: { url: 'https://go.dev/' },
    });

    expect(answer.status, answer.text).toBe(201);
  });

  it('given a revoked session, when its cookie is presented, then 401 like its token', async () => {
    services.givenSession(ALICE, { expires_at: new Date(services.now - 1000).toISOString() });

    expectError(await attempt({ method: 'GET', credential: 'cookie' }), 401, 'unauthorized');
  });

  it('given cookie requests from another origin, then each is charged to the client IP, as requests without login are', async () => {
    services.givenSession(ALICE);

    await attempt({ method: 'POST', credential: 'cookie', origin: 'https://evil.example' });

    expect(services.rates.writes).toBe(1);
  });
});

describe('logging out a browser', () => {
  it('given a session cookie, when POST /logout comes from the own origin, then 204, the session ends and the cookie is cleared', async () => {
    services.givenSession(ALICE);

    const answer = await call(logout, {
      method: 'POST',
      path: '/logout',
      headers: { ...OVER_HTTPS, origin: OWN_ORIGIN },
      cookies: [`${COOKIE}=${ALICE}`],
    });

    expect(answer.status).toBe(204);
    expect(answer.cookies).toEqual([`${COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure`]);
    expect(services.sessions.byHash.has(hashToken(ALICE))).toBe(false);
    expectError(await attempt({ method: 'GET', credential: 'cookie' }), 401, 'unauthorized');
  });

  it('given a session cookie, when GET /logout comes without proof of origin (a link elsewhere), then 403 and the session lives', async () => {
    services.givenSession(ALICE);

    const answer = await call(logout, {
      method: 'GET',
      path: '/logout',
      headers: OVER_HTTPS,
      cookies: [`${COOKIE}=${ALICE}`],
    });

    expectError(answer, 403, 'forbidden');
    expect(services.sessions.byHash.has(hashToken(ALICE))).toBe(true);
  });

  it('given a bearer token, when GET /logout is called as the original clients do, then 204', async () => {
    services.givenSession(ALICE);

    const answer = await call(logout, { method: 'GET', path: '/logout', headers: OVER_HTTPS, token: ALICE });

    expect(answer.status).toBe(204);
  });
});

describe('POST /dev/login, on the local runtime', () => {
  beforeAll(async () => {
    vi.stubEnv('LOCAL_RUNTIME', 'true');
    vi.resetModules();
    ({ handler: devLogin } = await import('../../../functions/users/dev-login.ts'));
    await services.reinstall();
  });

  const signIn = (headers: Record<string, string>) =>
    call<{ access_token: string }>(devLogin, {
      method: 'POST',
      path: '/dev/login',
      headers: { host: 'localhost:3000', ...headers },
      body: { username: 'alice' },
    });

  it("given the client's own form (same Origin), then the token and the session cookie for the session's lifetime, HttpOnly, SameSite=Lax, Path=/", async () => {
    // The handler's clock is the sessions' clock, so the cookie lives exactly as long as the session.
    vi.useFakeTimers({ now: services.now, toFake: ['Date'] });
    const answer = await signIn({ origin: 'http://localhost:3000' }).finally(() => vi.useRealTimers());

    expect(answer.status).toBe(200);
    expect(answer.cookies).toEqual([
      `delinkcious_session=${answer.body.access_token}; Max-Age=${30 * 24 * 3600}; Path=/; HttpOnly; SameSite=Lax`,
    ]);
  });

  it('given curl (no Origin), then the token only', async () => {
    const answer = await signIn({});

    expect(answer.status).toBe(200);
    expect(answer.body.access_token).toMatch(/^dlk_/);
    expect(answer.cookies).toEqual([]);
  });

  it('given a page on another origin, then no cookie: it cannot sign this browser in as someone else', async () => {
    const answer = await signIn({ origin: 'http://localhost:4566' });

    expect(answer.cookies).toEqual([]);
  });
});
