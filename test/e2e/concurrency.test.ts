import { describe, expect, it } from 'vitest';
import { expectError, expectJson, type LinkEnvelope, type LinkListing, useRuntime } from './helpers.ts';

/** Concurrent requests over HTTP: the store's conditions, not luck, decide who wins. */

const api = useRuntime();
const login = api.login;

describe('concurrent adds', () => {
  it('given 20 concurrent POSTs of the same URL, when they land, then exactly one 201 and nineteen 409 with that link', async () => {
    const alice = await login('alice');

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        alice.post('/v1/links', { url: 'https://golang.org/', title: `Attempt ${i}` }),
      ),
    );

    const created = responses.filter((r) => r.status === 201);
    const duplicates = responses.filter((r) => r.status === 409);
    expect(responses.map((r) => r.status).filter((s) => s !== 201 && s !== 409)).toEqual([]);
    expect(created).toHaveLength(1);
    expect(duplicates).toHaveLength(19);
    const winner = expectJson<LinkEnvelope>(created[0]!, 201).link;
    for (const duplicate of duplicates) {
      expect(expectError(duplicate, 409, 'already_exists').link).toEqual(winner);
    }
    const listing = expectJson<LinkListing>(await alice.get('/v1/links'), 200);
    expect(listing.links).toEqual([winner]);
  });

  it('given 20 concurrent POSTs of different URLs by one user, when they land, then all 20 are stored', async () => {
    const bob = await login('bob');

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => bob.post('/v1/links', { url: `https://example.com/${i}` })),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const listing = expectJson<LinkListing>(await bob.get('/v1/links?limit=100'), 200);
    expect(new Set(listing.links.map((l) => l.url)).size).toBe(20);
  });

  it('given 10 concurrent updates adding different tags to one link, when they land, then no acknowledged tag is lost', async () => {
    const carol = await login('carol');
    expectJson(await carol.post('/v1/links', { url: 'https://golang.org/' }), 201);
    const tags = Array.from({ length: 10 }, (_, i) => `tag${i}`);

    const responses = await Promise.all(
      tags.map((tag) => carol.patch('/v1/links', { url: 'https://golang.org/', add_tags: [tag] })),
    );

    // Optimistic updates retry a few times; under this much contention one may give up with 503 (try again),
    // but never with a 500, and never after having half-written anything.
    for (const response of responses.filter((r) => r.status !== 200)) {
      expectError(response, 503, 'unavailable');
    }
    const acknowledged = tags.filter((_, i) => responses[i]!.status === 200);
    expect(acknowledged.length).toBeGreaterThanOrEqual(5);
    const listing = expectJson<LinkListing>(await carol.get('/v1/links'), 200);
    expect(listing.links[0]!.tags).toEqual(acknowledged);
  });

  it('given 3 concurrent updates of one link, when they land, then all succeed and all changes are kept', async () => {
    const carol = await login('carol');
    expectJson(await carol.post('/v1/links', { url: 'https://golang.org/', tags: 'old' }), 201);

    const responses = await Promise.all([
      carol.patch('/v1/links', { url: 'https://golang.org/', title: 'Go' }),
      carol.patch('/v1/links', { url: 'https://golang.org/', description: 'The Go site' }),
      carol.patch('/v1/links', { url: 'https://golang.org/', add_tags: 'go', remove_tags: 'old' }),
    ]);

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const listing = expectJson<LinkListing>(await carol.get('/v1/links'), 200);
    expect(listing.links[0]).toMatchObject({ title: 'Go', description: 'The Go site', tags: ['go'] });
  });

  it('given 10 concurrent deletes of one link, when they land, then exactly one 204 and the rest 404', async () => {
    const dave = await login('dave');
    expectJson(await dave.post('/v1/links', { url: 'https://golang.org/' }), 201);

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => dave.delete('/v1/links', { url: 'https://golang.org/' })),
    );

    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([204, ...Array(9).fill(404)]);
    expectJson(await dave.post('/v1/links', { url: 'https://golang.org/' }), 201);
  });
});
