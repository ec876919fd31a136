import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { hashToken } from '../../../shared/users/sessions.ts';
import { aLink } from '../../support/builders.ts';
import { call, expectError, stubFunctionEnvironment } from '../support/http.ts';
import { useInMemoryServices } from '../support/services.ts';

const TOKEN = 'dlk_alices-unit-test-token';
const services = useInMemoryServices();
let listTags: HttpHandler;
let logout: HttpHandler;

beforeAll(async () => {
  stubFunctionEnvironment();
  ({ handler: listTags } = await import('../../../functions/links/list-tags.ts'));
  ({ handler: logout } = await import('../../../functions/users/logout.ts'));
});
afterAll(() => vi.unstubAllEnvs());

const getTags = (headers: Record<string, string> = {}) =>
  call(listTags, { method: 'GET', path: '/v1/tags', headers });

/** Alice has one link, tagged go: what an authenticated GET /v1/tags answers with. */
const givenAlicesLink = () => services.links.insert(aLink({ username: 'alice', tags: ['go'] }), 10);

describe('authenticating a caller', () => {
  it('given no token, when a route that needs one is called, then 401 unauthorized with WWW-Authenticate: Bearer, and no session lookup', async () => {
    const answer = await getTags();

    const body = expectError(answer, 401, 'unauthorized');
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect(services.sessions.lookups).toEqual([]);
  });

  it('given a token nobody issued, when it is presented, then 401', async () => {
    const answer = await getTags({ authorization: 'Bearer dlk_made-up' });

    expectError(answer, 401, 'unauthorized');
    expect(answer.headers['www-authenticate']).toBe('Bearer');
  });

  it('given a session that expired a second ago, when its token is presented, then 401', async () => {
    services.givenSession(TOKEN, { expires_at: new Date(services.now - 1000).toISOString() });

    expectError(await getTags({ authorization: `Bearer ${TOKEN}` }), 401, 'unauthorized');
  });

  it('given a live session, when its token comes as Authorization: Bearer, then the route answers, looking the session up by hash', async () => {
    services.givenSession(TOKEN);
    await givenAlicesLink();

    const answer = await getTags({ authorization: `Bearer ${TOKEN}` });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ tags: [{ name: 'go', count: 1 }] });
    // The lookup, then the one that lets this instance remember the session (shared/http/admission.ts).
    expect(new Set(services.sessions.lookups)).toEqual(new Set([hashToken(TOKEN)]));
  });

  it("given a live session, when its token comes as the original clients' Access-Token header, then the route answers", async () => {
    services.givenSession(TOKEN);

    expect((await getTags({ 'Access-Token': TOKEN })).status).toBe(200);
  });

  it('given a live session, when the scheme is written "bearer" in lower case, then the route answers', async () => {
    services.givenSession(TOKEN);

    expect((await getTags({ Authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });

  it('given a live session, when the token comes under another scheme (Basic), then 401', async () => {
    services.givenSession(TOKEN);

    expectError(await getTags({ authorization: `Basic ${TOKEN}` }), 401, 'unauthorized');
  });
});

describe('POST /logout', () => {
  it('given a live session, when its owner logs out, then 204 and the session is gone', async () => {
    services.givenSession(TOKEN);

    const answer = await call(logout, { method: 'POST', path: '/logout', token: TOKEN });

    expect(answer.status).toBe(204);
    expect(answer.text).toBeUndefined();
    expect(services.sessions.byHash.has(hashToken(TOKEN))).toBe(false);
  });

  it('given a live session, when it is logged out, then its token gets 401', async () => {
    services.givenSession(TOKEN);
    await call(logout, { method: 'POST', path: '/logout', token: TOKEN });

    expectError(await getTags({ authorization: `Bearer ${TOKEN}` }), 401, 'unauthorized');
  });

  it('given no token, when logout is called, then 401 and no session is touched', async () => {
    services.givenSession(TOKEN);

    expectError(await call(logout, { method: 'POST', path: '/logout' }), 401, 'unauthorized');
    expect(services.sessions.byHash.has(hashToken(TOKEN))).toBe(true);
  });
});
