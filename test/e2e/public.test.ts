import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../support/runtime.ts';
import { atomProblems, parseAtom } from '../support/atom.ts';
import { aUsername, expectError, expectJson, type LinkListing, query, useRuntime } from './helpers.ts';

/**
 * The public side through the local runtime: a user's public links and Atom feeds, to anybody, with or without
 * a token; private links never, whatever the order of writes; ETag and 304.
 */

const runtime = useRuntime();

const ATOM = 'application/atom+xml; charset=utf-8';

/** A user of this file alone, logged in, and her username. */
async function aUser(base: string): Promise<{ client: ApiClient; username: string }> {
  const username = aUsername(base);
  return { client: await ApiClient.loggedIn(runtime.url, username), username };
}

const anonymous = () => new ApiClient(runtime.url);
const urlsOf = (listing: LinkListing) => listing.links.map((link) => link.url);

async function feedUrls(client: ApiClient, path: string): Promise<string[]> {
  const response = await client.get(path);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe(ATOM);
  const feed = parseAtom(response.body as unknown as string);
  expect(atomProblems(feed)).toEqual([]);
  return feed.entries.map((entry) => entry.links[0]?.href ?? '');
}

describe('GET /v1/users/{username}/links', () => {
  it("given alice's public and private links, then bob, an anonymous client and alice herself see the public ones only, newest first", async () => {
    const alice = await aUser('alice');
    const bob = await aUser('bob');
    await alice.client.post('/v1/links', { url: 'https://one.example/' });
    await alice.client.post('/v1/links', { url: 'https://secret.example/', private: true });
    await alice.client.post('/v1/links', { url: 'https://two.example/' });

    for (const client of [bob.client, anonymous(), alice.client]) {
      const listing = expectJson<LinkListing>(await client.get(`/v1/users/${alice.username}/links`), 200);
      expect(urlsOf(listing)).toEqual(['https://two.example/', 'https://one.example/']);
      expect(listing.next_token).toBeNull();
    }
    for (const path of [`/v1.0/users/${alice.username}/links?tag=programming`]) {
      expect((await anonymous().get(path)).status).toBe(200);
    }
  });

  it('given more public links than a page, when the pages are followed, then each comes once and no private one', async () => {
    const alice = await aUser('alice');
    for (let i = 0; i < 5; i++) {
      await alice.client.post('/v1/links', { url: `https://p${i}.example/` });
      await alice.client.post('/v1/links', { url: `https://s${i}.example/`, private: true });
    }

    const seen: string[] = [];
    let token: string | null = null;
    do {
      const path: string = `/v1/users/${alice.username}/links?limit=2${token ? `&start_token=${token}` : ''}`;
      const listing: LinkListing = expectJson<LinkListing>(await anonymous().get(path), 200);
      seen.push(...urlsOf(listing));
      token = listing.next_token;
    } while (token);

    expect(seen).toEqual([4, 3, 2, 1, 0].map((i) => `https://p${i}.example/`));
  });

  it('given changes between the pages, when the pages are followed, then each link public throughout comes exactly once, none twice, and none that was private throughout', async () => {
    /** A write between two pages: on the link at `pick` (modulo the links made so far), or a new link. */
    const aChange = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), private: fc.boolean() }),
      fc.record({
        kind: fc.constantFrom('setPrivate' as const, 'setPublic' as const, 'delete' as const),
        pick: fc.nat(),
      }),
    );
    const aWalk = fc.record({
      initial: fc.array(fc.boolean(), { minLength: 3, maxLength: 12 }),
      limit: fc.integer({ min: 1, max: 4 }),
      changes: fc.array(fc.array(aChange, { maxLength: 2 }), { maxLength: 12 }),
    });
    await fc.assert(
      fc.asyncProperty(aWalk, async ({ initial, limit, changes }) => {
        const alice = await aUser('alice');
        const links: { url: string; touched: boolean; everPublic: boolean; gone: boolean }[] = [];
        const add = async (isPrivate: boolean, touched: boolean) => {
          const url = `https://walk.example/${links.length}/`;
          links.push({ url, touched, everPublic: !isPrivate, gone: false });
          expect((await alice.client.post('/v1/links', { url, private: isPrivate })).status).toBe(201);
        };
        for (const isPrivate of initial) await add(isPrivate, false);

        const seen: string[] = [];
        let token: string | null = null;
        let page = 0;
        do {
          const path: string = `/v1/users/${alice.username}/links?${query({ limit, ...(token ? { start_token: token } : {}) })}`;
          const listing: LinkListing = expectJson<LinkListing>(await anonymous().get(path), 200);
          seen.push(...urlsOf(listing));
          token = listing.next_token;
          for (const change of changes[page++] ?? []) {
            if (change.kind === 'add') {
              await add(change.private, true);
              continue;
            }
            const link = links[change.pick % links.length]!;
            if (link.gone) continue;
            link.touched = true;
            if (change.kind === 'delete') {
              link.gone = true;
              expect((await alice.client.delete(`/v1/links?${query({ url: link.url })}`)).status).toBe(204);
            } else {
              link.everPublic ||= change.kind === 'setPublic';
              const body = { url: link.url, private: change.kind === 'setPrivate' };
              expect((await alice.client.put('/v1/links', body)).status).toBe(200);
            }
          }
        } while (token);

        // Public from before the first page and untouched until after the last.
        const stable = links.filter((link) => !link.touched && link.everPublic).map((link) => link.url);
        expect(stable.filter((url) => seen.filter((shown) => shown === url).length !== 1)).toEqual([]);
        expect(seen.filter((url, i) => seen.indexOf(url) !== i)).toEqual([]);
        const neverPublic = new Set(links.filter((link) => !link.everPublic).map((link) => link.url));
        expect(seen.filter((url) => neverPublic.has(url))).toEqual([]);
      }),
      { numRuns: Number(process.env.PUBLIC_PAGING_RUNS ?? 5) },
    );
  }, 120_000);

  it('given a tampered start_token, then 400; given an unknown user, then 404', async () => {
    const alice = await aUser('alice');
    for (let i = 0; i < 3; i++) await alice.client.post('/v1/links', { url: `https://t${i}.example/` });
    const first = expectJson<LinkListing>(
      await anonymous().get(`/v1/users/${alice.username}/links?limit=1`),
      200,
    );
    const token = first.next_token!;
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;

    expectError(
      await anonymous().get(`/v1/users/${alice.username}/links?start_token=${tampered}`),
      400,
      'invalid_request',
    );
    expectError(await anonymous().get(`/v1/users/${aUsername('nobody')}/links`), 404, 'not_found');
    expectError(await anonymous().get(`/users/${aUsername('nobody')}/feed.atom`), 404, 'not_found');
  });

  it('given a public link, when alice turns it private, then right after it is in no listing, feed or tag feed, every time', async () => {
    const alice = await aUser('alice');
    await alice.client.post('/v1/links', { url: 'https://stays.example/', tags: ['go'] });
    for (let round = 0; round < 4; round++) {
      const url = `https://turns-private-${round}.example/`;
      await alice.client.post('/v1/links', { url, tags: ['go'] });
      expect((await alice.client.put('/v1/links', { url, private: true })).status).toBe(200);

      const listing = expectJson<LinkListing>(
        await anonymous().get(`/v1/users/${alice.username}/links`),
        200,
      );
      const tagged = expectJson<LinkListing>(
        await anonymous().get(`/v1/users/${alice.username}/links?tag=go`),
        200,
      );
      expect(urlsOf(listing)).not.toContain(url);
      expect(urlsOf(tagged)).not.toContain(url);
      expect(await feedUrls(anonymous(), `/users/${alice.username}/feed.atom`)).not.toContain(url);
      expect(await feedUrls(anonymous(), `/users/${alice.username}/tags/go/feed.atom`)).not.toContain(url);
    }
    expect(await feedUrls(anonymous(), `/users/${alice.username}/tags/go/feed.atom`)).toEqual([
      'https://stays.example/',
    ]);
  });

  it('given a listing fetched once, when it is asked again with its ETag, then 304 without a body; after a change, 200', async () => {
    const alice = await aUser('alice');
    await alice.client.post('/v1/links', { url: 'https://cached.example/' });
    const path = `/v1/users/${alice.username}/links`;
    const first = await anonymous().get(path);
    const etag = first.headers.get('etag')!;

    expect(first.headers.get('cache-control')).toBe('public, no-cache');
    const again = await anonymous().send('GET', path, undefined, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.get('etag')).toBe(etag);

    await alice.client.post('/v1/links', { url: 'https://newer.example/' });
    expect((await anonymous().send('GET', path, undefined, { 'if-none-match': etag })).status).toBe(200);
  });
});

describe('Atom feeds', () => {
  it("given alice's links, then her feed carries the public ones, with ETag, Cache-Control and 304", async () => {
    const alice = await aUser('alice');
    await alice.client.post('/v1/links', { url: 'https://feed.example/', title: 'Tom & <Jerry>' });
    await alice.client.post('/v1/links', { url: 'https://hidden.example/', private: true });
    const path = `/users/${alice.username}/feed.atom`;

    expect(await feedUrls(anonymous(), path)).toEqual(['https://feed.example/']);
    const first = await anonymous().get(path);
    expect(first.headers.get('cache-control')).toBe('public, no-cache');
    const again = await anonymous().send('GET', path, undefined, {
      'if-none-match': first.headers.get('etag')!,
    });
    expect(again.status).toBe(304);
  });

  it("given bob follows alice, then bob's news feed with a feed token answers 200, 403 with a wider token, and 401 with a bad one", async () => {
    const alice = await aUser('alice');
    const bob = await aUser('bob');
    expect((await bob.client.post('/v1/following', { username: alice.username })).status).toBe(201);
    const tokenOf = async (scope: string) =>
      expectJson<{ token: string }>(await bob.client.post('/v1/tokens', { name: scope, scope }), 201).token;

    const response = await anonymous().get(`/feeds/news/${await tokenOf('feed')}.atom`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, no-cache');
    expect(atomProblems(parseAtom(response.body as unknown as string))).toEqual([]);
    // A URL is kept in logs and readers' subscriptions: it may hold a token that can read the news and no more.
    for (const wider of [await tokenOf('read'), await tokenOf('write'), bob.client.token!]) {
      const refused = expectError(
        await anonymous().get(`/feeds/news/${wider}.atom`),
        403,
        'insufficient_scope',
      );
      expect(refused.error.details).toMatchObject({ needed: 'feed' });
    }
    expectError(await anonymous().get('/feeds/news/not-a-token.atom'), 401, 'unauthorized');
    expectError(await anonymous().get(`/feeds/news/${await tokenOf('feed')}.rss`), 404, 'not_found');
  });
});

describe('GET /u/{username}', () => {
  it("given alice's links, then anybody gets her page with preview tags and her public links only; 304 on its ETag", async () => {
    const alice = await aUser('alice');
    await alice.client.post('/v1/links', { url: 'https://shown.example/', title: 'Shown' });
    await alice.client.post('/v1/links', { url: 'https://kept-private.example/', private: true });

    const page = await anonymous().get(`/u/${alice.username}`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = page.body as unknown as string;
    expect(html).toContain(`<meta property="og:url" content="${runtime.url}/u/${alice.username}">`);
    expect(html).toContain('https://shown.example/');
    expect(html).not.toContain('kept-private');
    const again = await anonymous().send('GET', `/u/${alice.username}`, undefined, {
      'if-none-match': page.headers.get('etag')!,
    });
    expect(again.status).toBe(304);
    expectError(await anonymous().get(`/u/${aUsername('nobody')}`), 404, 'not_found');
  });
});
