import { describe, expect, it } from 'vitest';
import { ApiClient, type ApiResponse } from '../support/runtime.ts';
import { expectError, expectJson, pause, TIMESTAMP, useRuntime } from './helpers.ts';

/**
 * Personal tokens, scopes, logout everywhere and the per-user rate limit, through the local runtime as a client
 * sees them. The runtime runs at the contract's rate limit (12 per second, bursts of 80), as in rate-limit.test.ts,
 * so that the shared budget of a user's tokens can be seen; the other tests here send far fewer requests.
 */

const RATE = 12;
const BURST = 80;
const runtime = useRuntime({ RATE_LIMIT_PER_SECOND: String(RATE), RATE_LIMIT_BURST: String(BURST) });

interface CreatedToken {
  id: string;
  name: string;
  scope: string;
  token: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

interface ListedToken {
  id: string;
  name: string;
  scope: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  current: boolean;
}

/** A user's client on a personal token of `scope`, made with her login session. */
async function aTokenOf(session: ApiClient, scope: string, name = `${scope} token`) {
  const created = expectJson<CreatedToken>(await session.post('/v1/tokens', { name, scope }), 201);
  return { created, client: new ApiClient(runtime.url, created.token) };
}

describe('the lifecycle of a personal token', () => {
  it('given a login session, when a read token is created, used, listed and deleted, then it works until it is deleted, and 401 after', async () => {
    const session = await runtime.login('dora');

    const answer = await session.post('/v1/tokens', {
      name: 'backup script',
      scope: 'read',
      expires_in_days: 30,
    });
    const created = expectJson<CreatedToken>(answer, 201);
    expect(created).toMatchObject({ name: 'backup script', scope: 'read', last_used_at: null });
    expect(created.token).toMatch(/^dlk_/);
    expect(created.expires_at).toMatch(TIMESTAMP);
    expect(answer.headers.get('cache-control')).toBe('no-store');

    const script = new ApiClient(runtime.url, created.token);
    expect((await script.get('/v1/links')).status).toBe(200);

    const listed = expectJson<{ tokens: ListedToken[] }>(await session.get('/v1/tokens'), 200).tokens;
    expect(listed).toEqual([
      {
        id: created.id,
        name: 'backup script',
        scope: 'read',
        created_at: created.created_at,
        expires_at: created.expires_at,
        last_used_at: expect.stringMatching(TIMESTAMP),
        current: false,
      },
      expect.objectContaining({
        scope: 'session',
        name: 'dev login',
        current: true,
        expires_at: expect.any(String),
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.token);

    expect((await session.delete(`/v1/tokens/${created.id}`)).status).toBe(204);
    expectError(await script.get('/v1/links'), 401, 'unauthorized');
    expectError(await session.delete(`/v1/tokens/${created.id}`), 404, 'not_found');
  });

  it("given two users, when one lists her tokens, then she sees only hers; and she cannot delete the other's", async () => {
    const [erik, fay] = [await runtime.login('erik'), await runtime.login('fay')];
    const { created } = await aTokenOf(fay, 'read');

    const erikSees = expectJson<{ tokens: ListedToken[] }>(await erik.get('/v1/tokens'), 200).tokens;
    expect(erikSees.map((listed) => listed.id)).not.toContain(created.id);
    expectError(await erik.delete(`/v1/tokens/${created.id}`), 404, 'not_found');
  });
});

describe('scopes', () => {
  it('given a read token, then it may read, and any change is 403 insufficient_scope', async () => {
    const { client: reader } = await aTokenOf(await runtime.login('gus'), 'read');

    expect((await reader.get('/v1/links')).status).toBe(200);
    expect((await reader.get('/v1/me')).status).toBe(200);
    expect((await reader.get('/v1/news')).status).toBe(200);
    expectError(await reader.post('/v1/links', { url: 'https://example.com/' }), 403, 'insufficient_scope');
    expectError(await reader.post('/v1/following', { username: 'gus' }), 403, 'insufficient_scope');
  });

  it('given a feed token, then it reads the news and nothing else', async () => {
    const { client: feedReader } = await aTokenOf(await runtime.login('hana'), 'feed');

    expect((await feedReader.get('/v1/news')).status).toBe(200);
    expectError(await feedReader.get('/v1/links'), 403, 'insufficient_scope');
    expectError(await feedReader.get('/v1/me'), 403, 'insufficient_scope');
    expectError(
      await feedReader.post('/v1/links', { url: 'https://example.com/' }),
      403,
      'insufficient_scope',
    );
  });

  it('given a write token, then it adds links but cannot manage tokens', async () => {
    const { created, client: writer } = await aTokenOf(await runtime.login('ivan'), 'write');

    expect((await writer.post('/v1/links', { url: 'https://example.com/ivan' })).status).toBe(201);
    expectError(await writer.post('/v1/tokens', { name: 'x', scope: 'read' }), 403, 'insufficient_scope');
    expectError(await writer.get('/v1/tokens'), 403, 'insufficient_scope');
    expectError(await writer.delete(`/v1/tokens/${created.id}`), 403, 'insufficient_scope');
  });

  it('given any token, then it may log itself out', async () => {
    const { client: feedReader } = await aTokenOf(await runtime.login('jill'), 'feed');

    expect((await feedReader.post('/logout')).status).toBe(204);
    expectError(await feedReader.get('/v1/news'), 401, 'unauthorized');
  });
});

describe('logout everywhere', () => {
  it('given two sessions and two tokens, when a token logs out everywhere, then every one of them gets 401', async () => {
    const first = await ApiClient.loggedIn(runtime.url, 'kim');
    const second = await ApiClient.loggedIn(runtime.url, 'kim');
    const { client: reader } = await aTokenOf(first, 'read');
    const { client: writer } = await aTokenOf(second, 'write');

    expect((await writer.post('/logout?everywhere=true')).status).toBe(204);

    for (const client of [first, second, reader, writer]) {
      expectError(await client.get('/v1/news'), 401, 'unauthorized');
    }
    const again = await ApiClient.loggedIn(runtime.url, 'kim');
    expect((await again.get('/v1/me')).status).toBe(200);
  });
});

describe('the per-user rate limit', () => {
  it('given two tokens of one user, when both send a burst at once, then they share one budget: at most the burst and what refilled meanwhile pass', async () => {
    await pause(1000); // The logins above were public requests of this IP; its bucket refills.
    const session = await runtime.login('lena');
    const { client: reader } = await aTokenOf(session, 'read');
    // Both tokens' functions loaded before the burst, so that the burst is one.
    expect((await reader.get('/v1/tags')).status).toBe(200);
    await pause(1000);

    const started = performance.now();
    const answers: ApiResponse<unknown>[] = await Promise.all(
      Array.from({ length: 2 * BURST }, (_, i) => (i % 2 ? reader : session).get('/v1/tags')),
    );
    const elapsedSeconds = (performance.now() - started) / 1000;

    // Each token alone is within the burst: only a shared budget limits any of them. The runtime runs on the real
    // clock, so what passes is bounded by the time the burst measurably took.
    const served = answers.filter((answer) => answer.status === 200).length;
    const limited = answers.filter((answer) => answer.status === 429);
    expect(served + limited.length).toBe(answers.length);
    expect(served).toBeGreaterThanOrEqual(BURST);
    const mostAllowed = BURST + Math.ceil(RATE * elapsedSeconds) + 1;
    expect(served).toBeLessThanOrEqual(mostAllowed);
    if (mostAllowed < answers.length) expect(limited.length).toBeGreaterThan(0);
    for (const answer of limited) expectError(answer, 429, 'rate_limited');
  });
});
