import { describe, expect, it } from 'vitest';
import { RawApiClient } from '../support/runtime.ts';
import { expectError, expectJson, query, type LinkListing, useRuntime } from './helpers.ts';

/**
 * 403 link_limit_reached. The limit is configuration, read once per process; vitest gives each test file a
 * module scope of its own, so setting it here, before the runtime starts, applies to this file alone.
 */

const LIMIT = 3;
const api = useRuntime({ MAX_LINKS_PER_USER: String(LIMIT) });
const login = api.login;

async function count(client: RawApiClient): Promise<number> {
  return expectJson<LinkListing>(await client.get('/v1/links?limit=100'), 200).links.length;
}

describe('MAX_LINKS_PER_USER=3', () => {
  it('given a user with 3 links, when she adds a 4th, then 403 link_limit_reached and nothing is stored', async () => {
    const alice = await login('alice');
    for (let i = 1; i <= LIMIT; i++) {
      expectJson(await alice.post('/v1/links', { url: `https://example.com/${i}` }), 201);
    }

    const body = expectError(
      await alice.post('/v1/links', { url: 'https://example.com/4' }),
      403,
      'link_limit_reached',
    );

    expect(body.error.message).toContain(String(LIMIT));
    expect(await count(alice)).toBe(LIMIT);
  });

  it('given a user at the limit, when another user adds links, then the limit is per user', async () => {
    const alice = await login('alice');
    for (let i = 1; i <= LIMIT; i++)
      expectJson(await alice.post('/v1/links', { url: `https://a.example/${i}` }), 201);
    const bob = await login('bob');

    for (let i = 1; i <= LIMIT; i++)
      expectJson(await bob.post('/v1/links', { url: `https://b.example/${i}` }), 201);

    expectError(await bob.post('/v1/links', { url: 'https://b.example/4' }), 403, 'link_limit_reached');
  });

  it('given a user at the limit, when she deletes a link, then she can add one again, and only one', async () => {
    const alice = await login('alice');
    for (let i = 1; i <= LIMIT; i++)
      expectJson(await alice.post('/v1/links', { url: `https://c.example/${i}` }), 201);
    expect((await alice.delete(`/v1/links?${query({ url: 'https://c.example/2' })}`)).status).toBe(204);

    expectJson(await alice.post('/v1/links', { url: 'https://c.example/new' }), 201);

    expectError(await alice.post('/v1/links', { url: 'https://c.example/newer' }), 403, 'link_limit_reached');
    expect(await count(alice)).toBe(LIMIT);
  });

  it('given a user at the limit, when she updates a link, then updates are not limited', async () => {
    const alice = await login('alice');
    for (let i = 1; i <= LIMIT; i++)
      expectJson(await alice.post('/v1/links', { url: `https://d.example/${i}` }), 201);

    expectJson(await alice.put('/v1/links', { url: 'https://d.example/1', title: 'still fine' }), 200);
  });

  it('given a new user, when she adds 10 different links at once, then exactly 3 are stored and 7 get 403', async () => {
    const carol = await login('carol');

    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => carol.post('/v1/links', { url: `https://race.example/${i}` })),
    );

    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(LIMIT).fill(201), ...Array(10 - LIMIT).fill(403)]);
    for (const response of responses.filter((r) => r.status === 403)) {
      expectError(response, 403, 'link_limit_reached');
    }
    expect(await count(carol)).toBe(LIMIT);
  });
});
