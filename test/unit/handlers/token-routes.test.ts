import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { hashToken } from '../../../shared/users/sessions.ts';
import { aUser } from '../../support/builders.ts';
import { call, expectError, stubFunctionEnvironment } from '../support/http.ts';
import { useInMemoryServices } from '../support/services.ts';

const SESSION = 'dlk_alices-login-session';
const services = useInMemoryServices();
let createToken: HttpHandler;
let listTokens: HttpHandler;
let deleteToken: HttpHandler;
let logout: HttpHandler;
let listTags: HttpHandler;

beforeAll(async () => {
  stubFunctionEnvironment();
  ({ handler: createToken } = await import('../../../functions/users/create-token.ts'));
  ({ handler: listTokens } = await import('../../../functions/users/list-tokens.ts'));
  ({ handler: deleteToken } = await import('../../../functions/users/delete-token.ts'));
  ({ handler: logout } = await import('../../../functions/users/logout.ts'));
  ({ handler: listTags } = await import('../../../functions/links/list-tags.ts'));
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  services.users.profiles.set('alice', aUser({ username: 'alice' }));
  services.givenSession(SESSION, { username: 'alice', name: 'dev login' });
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface Created {
  id: string;
  name: string;
  scope: string;
  token: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

const create = (body: unknown, token = SESSION) =>
  call<Created>(createToken, { method: 'POST', path: '/v1/tokens', headers: bearer(token), body });

describe('POST /v1/tokens', () => {
  it('given a login session, when a feed token with a 90-day expiry is asked for, then 201 with its secret, shown once, never cached', async () => {
    const answer = await create({ name: 'feed reader', scope: 'feed', expires_in_days: 90 });

    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      name: 'feed reader',
      scope: 'feed',
      token: expect.stringMatching(/^dlk_/),
      created_at: new Date(services.now).toISOString(),
      expires_at: new Date(services.now + 90 * 24 * 60 * 60 * 1000).toISOString(),
      last_used_at: null,
    });
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(services.sessions.byHash.get(hashToken(answer.body.token))).toMatchObject({ scope: 'feed' });
  });

  it.each([
    [{ scope: 'read' }, 'name'],
    [{ name: '', scope: 'read' }, 'name'],
    [{ name: 'x'.repeat(101), scope: 'read' }, 'name'],
    [{ name: 'x', scope: 'session' }, 'scope'],
    [{ name: 'x', scope: 'admin' }, 'scope'],
    [{ name: 'x', scope: 'read', expires_in_days: 0 }, 'expires_in_days'],
    [{ name: 'x', scope: 'read', expires_in_days: 366 }, 'expires_in_days'],
    [{ name: 'x', scope: 'read', expires_in_days: 1.5 }, 'expires_in_days'],
  ])(
    'given %j, when a token is asked for, then 400 naming %s, and nothing is stored',
    async (body, field) => {
      const answer = await create(body);

      const error = expectError(answer, 400, 'invalid_request');
      expect(error.error.details).toHaveProperty(field);
      expect(services.sessions.byHash.size).toBe(1);
    },
  );

  it('given a write token, when it asks for another token, then 403 insufficient_scope', async () => {
    const write = (await create({ name: 'script', scope: 'write' })).body.token;

    expectError(await create({ name: 'another', scope: 'read' }, write), 403, 'insufficient_scope');
  });
});

describe('GET /v1/tokens', () => {
  it('given a session and a token, then both, newest first, without secrets, the calling one current', async () => {
    const created = await create({ name: 'script', scope: 'read' });
    services.now += 1000;

    const answer = await call<{ tokens: Record<string, unknown>[] }>(listTokens, {
      method: 'GET',
      path: '/v1/tokens',
      headers: bearer(SESSION),
    });

    expect(answer.status).toBe(200);
    expect(answer.body.tokens).toEqual([
      expect.objectContaining({ id: created.body.id, scope: 'read', name: 'script', current: false }),
      expect.objectContaining({ scope: 'session', name: 'dev login', current: true }),
    ]);
    expect(JSON.stringify(answer.body)).not.toContain(created.body.token);
    for (const listed of answer.body.tokens) {
      expect(Object.keys(listed).sort()).toEqual(
        ['created_at', 'current', 'expires_at', 'id', 'last_used_at', 'name', 'scope'].sort(),
      );
    }
  });
});

describe('DELETE /v1/tokens/{id}', () => {
  const remove = (id: string) =>
    call(deleteToken, {
      method: 'DELETE',
      path: `/v1/tokens/${id}`,
      headers: bearer(SESSION),
      pathParameters: { id },
    });

  it('given a token of hers, when she deletes it, then 204 and the token gets 401 at once', async () => {
    const created = (await create({ name: 'script', scope: 'read' })).body;

    expect((await remove(created.id)).status).toBe(204);

    const used = await call(listTags, { method: 'GET', path: '/v1/tags', headers: bearer(created.token) });
    expectError(used, 401, 'unauthorized');
  });

  it('given an id that is not hers, then 404 not_found', async () => {
    expectError(await remove('no-such-token'), 404, 'not_found');
  });
});

describe('POST /logout?everywhere=true', () => {
  it('given a session and two tokens, when a feed token logs out everywhere, then 204 and all three get 401', async () => {
    const feed = (await create({ name: 'reader', scope: 'feed' })).body.token;
    const write = (await create({ name: 'script', scope: 'write' })).body.token;

    const answer = await call(logout, {
      method: 'POST',
      path: '/logout',
      query: { everywhere: 'true' },
      headers: bearer(feed),
    });

    expect(answer.status).toBe(204);
    for (const token of [SESSION, feed, write]) {
      const used = await call(listTags, { method: 'GET', path: '/v1/tags', headers: bearer(token) });
      expectError(used, 401, 'unauthorized');
    }
  });

  it('given a session and a token, when the session logs out without everywhere, then only the session ends', async () => {
    const write = (await create({ name: 'script', scope: 'write' })).body.token;

    expect((await call(logout, { method: 'POST', path: '/logout', headers: bearer(SESSION) })).status).toBe(
      204,
    );

    const used = await call(listTags, { method: 'GET', path: '/v1/tags', headers: bearer(write) });
    expect(used.status).toBe(200);
  });
});
