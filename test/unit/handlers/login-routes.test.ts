import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { rateKeyForIp } from '../../../shared/http/rate-limit.ts';
import { STATE_COOKIE, prefersHtml, stateCookie } from '../../../shared/users/http.ts';
import { hashState } from '../../../shared/users/login.ts';
import { aLambdaContext, anApiEvent } from '../../support/builders.ts';
import { call, expectError, importHandler, stubFunctionEnvironment } from '../support/http.ts';
import { useInMemoryServices } from '../support/services.ts';

const services = useInMemoryServices();
let fetchSpy: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  fetchSpy = vi.spyOn(globalThis, 'fetch');
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** A fresh module instance per environment: configuration is read once per cold start. */
async function coldStart(entry: string, env: Record<string, string> = {}): Promise<HttpHandler> {
  vi.resetModules();
  stubFunctionEnvironment(env);
  const handler = await importHandler(entry);
  await services.reinstall();
  return handler;
}

describe('GET /login', () => {
  it("given a configured GitHub app, then 302 to GitHub's authorize page with the client id, callback, scopes and a state", async () => {
    const login = await coldStart('users/login');

    const answer = await call(login, { method: 'GET', path: '/login' });

    expect(answer.status).toBe(302);
    const location = new URL(answer.headers['location']!);
    expect(location.origin + location.pathname).toBe('https://github.com/login/oauth/authorize');
    expect(location.searchParams.get('client_id')).toBe('unit-test-client-id');
    expect(location.searchParams.get('redirect_uri')).toBe('https://api.example.com/login/authorized');
    expect(location.searchParams.get('scope')).toBe('read:user user:email');
    expect(location.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('given an https callback, then the state goes into an HttpOnly, SameSite=Lax, Secure cookie for 10 minutes', async () => {
    const login = await coldStart('users/login');

    const result = await login(anApiEvent({ method: 'GET', path: '/login' }), aLambdaContext());

    const state = new URL(String(result.headers!['location'])).searchParams.get('state')!;
    expect(result.cookies).toEqual([
      `${STATE_COOKIE}=${state}; Max-Age=600; Path=/login; HttpOnly; SameSite=Lax; Secure`,
    ]);
  });

  it('given a login, then its state is stored only as a hash, for 10 minutes', async () => {
    const login = await coldStart('users/login');

    const answer = await call(login, { method: 'GET', path: '/login' });

    const state = new URL(answer.headers['location']!).searchParams.get('state')!;
    expect([...services.loginStates.expiries]).toEqual([
      [hashState(state), new Date(services.now + 600_000).toISOString()],
    ]);
  });

  it('given a local runtime with no GitHub app, then 503 naming what to set and pointing to POST /dev/login', async () => {
    const login = await coldStart('users/login', {
      LOCAL_RUNTIME: 'true',
      GITHUB_CLIENT_ID: '',
      GITHUB_CLIENT_SECRET: '',
    });

    const body = expectError(await call(login, { method: 'GET', path: '/login' }), 503, 'unavailable');

    expect(body.error.message).toContain('POST /dev/login');
    expect(body.error.details).toEqual({ missing: ['GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET'] });
    expect(services.loginStates.expiries.size).toBe(0);
  });

  it('given a deployed stack with no GitHub app, then 503 that does not mention the local-only route', async () => {
    const login = await coldStart('users/login', { GITHUB_CLIENT_ID: '' });

    const body = expectError(await call(login, { method: 'GET', path: '/login' }), 503, 'unavailable');

    expect(body.error.message).not.toContain('/dev/login');
    expect(body.error).not.toHaveProperty('details');
  });

  it('given a deployed /login function, which is not given the secret, then it still redirects', async () => {
    const login = await coldStart('users/login', { GITHUB_CLIENT_SECRET: '' });

    expect((await call(login, { method: 'GET', path: '/login' })).status).toBe(302);
  });
});

describe('GET /login/authorized: bad input never reaches GitHub', () => {
  const callback = (query: Record<string, string>, cookies?: string[]) => ({
    method: 'GET',
    path: '/login/authorized',
    query,
    ...(cookies ? { cookies } : {}),
  });

  it('given no state cookie, then 400 naming the state, and neither GitHub nor the state store is touched', async () => {
    const handler = await coldStart('users/login-callback');
    const consumed = vi.spyOn(services.loginStates, 'consume');

    const body = expectError(
      await call(handler, callback({ code: 'c', state: 's' })),
      400,
      'invalid_request',
    );

    expect(body.error.details).toHaveProperty('state');
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(consumed).not.toHaveBeenCalled();
    expect(services.users.identities.size).toBe(0);
  });

  it('given a cookie that differs from the state, then 400', async () => {
    const handler = await coldStart('users/login-callback');

    const answer = await call(handler, callback({ code: 'c', state: 's' }, [`${STATE_COOKIE}=other`]));

    expectError(answer, 400, 'invalid_request');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('given a matching cookie but a state that was used or never issued, then 400 after one attempt to use it', async () => {
    const handler = await coldStart('users/login-callback');
    const consumed = vi.spyOn(services.loginStates, 'consume');

    const answer = await call(handler, callback({ code: 'c', state: 's' }, [`${STATE_COOKIE}=s`]));

    expectError(answer, 400, 'invalid_request');
    expect(consumed).toHaveBeenCalledTimes(1);
    expect(consumed.mock.calls[0]![0]).toBe(hashState('s'));
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('given no state at all, then 400 naming the state', async () => {
    const handler = await coldStart('users/login-callback');

    const body = expectError(await call(handler, callback({ code: 'c' })), 400, 'invalid_request');

    expect(body.error.details).toEqual({ state: 'required' });
  });

  it('given neither code nor error, then 400 naming the code', async () => {
    const handler = await coldStart('users/login-callback');

    const body = expectError(
      await call(handler, callback({ state: 's' }, [`${STATE_COOKIE}=s`])),
      400,
      'invalid_request',
    );

    expect(body.error.details).toEqual({ code: 'required' });
  });

  it('given a deployed callback without its secret, then 503', async () => {
    const handler = await coldStart('users/login-callback', { GITHUB_CLIENT_SECRET: '' });

    expectError(await call(handler, callback({ code: 'c', state: 's' })), 503, 'unavailable');
  });
});

describe('HTTP details of the login routes', () => {
  it.each([
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['text/html', true],
    ['*/*', false],
    ['application/json', false],
    ['application/json, text/html', false],
    ['text/html;q=0.5, application/json', false],
    ['text/*', true],
    [undefined, false],
  ])('given Accept: %s, then a page is preferred: %s', (accept, html) => {
    expect(prefersHtml(accept)).toBe(html);
  });

  it('given a plain-http callback (local), then the cookie is not Secure', () => {
    expect(stateCookie('abc', 600, false)).toBe(
      `${STATE_COOKIE}=abc; Max-Age=600; Path=/login; HttpOnly; SameSite=Lax`,
    );
  });
});

describe('the rate limiter in front of the login routes', () => {
  it('given a client IP over its limit, when it asks for /login, then 429 rate_limited with Retry-After, and no state is stored', async () => {
    const login = await coldStart('users/login');
    services.rates.tats.set(rateKeyForIp('203.0.113.9'), (services.now + 60_000) * 1000);

    const answer = await call(login, { method: 'GET', path: '/login', sourceIp: '203.0.113.9' });

    expectError(answer, 429, 'rate_limited');
    expect(answer.headers['retry-after']).toBe('54');
    expect(services.loginStates.expiries.size).toBe(0);
    expect([...services.rates.tats.keys()].join()).not.toContain('203.0.113.9');
  });
});
