import { beforeAll, describe, expect, it } from 'vitest';
import { RawApiClient } from '../support/runtime.ts';
import {
  expectError,
  expectJson,
  pause,
  query,
  type LinkListing,
  type TagListing,
  useRuntime,
} from './helpers.ts';

/** GET /v1/links (order, filters, paging) and GET /v1/tags. */

const api = useRuntime();
const login = api.login;

interface NewLink {
  url: string;
  title?: string;
  description?: string;
  tags?: string[] | string;
  private?: boolean;
}

/** Adds links one after the other, a little apart, so that each has its own created_at. */
async function addAll(client: RawApiClient, links: NewLink[]): Promise<void> {
  for (const link of links) {
    expectJson(await client.post('/v1/links', link), 201);
    await pause(2);
  }
}

async function urls(client: RawApiClient, fields: Record<string, string | number> = {}): Promise<string[]> {
  const listing = expectJson<LinkListing>(await client.get(`/v1/links?${query(fields)}`), 200);
  return listing.links.map((link) => link.url);
}

/** Follows next_token to the end; each page's size and the whole sequence of urls. */
async function allPages(
  client: RawApiClient,
  fields: Record<string, string | number>,
): Promise<{ sizes: number[]; urls: string[] }> {
  const sizes: number[] = [];
  const seen: string[] = [];
  let token: string | null = null;
  do {
    const page: LinkListing = expectJson<LinkListing>(
      await client.get(`/v1/links?${query({ ...fields, ...(token ? { start_token: token } : {}) })}`),
      200,
    );
    sizes.push(page.links.length);
    seen.push(...page.links.map((link) => link.url));
    token = page.next_token;
    expect(sizes.length, 'pages before next_token became null').toBeLessThan(20);
  } while (token !== null);
  return { sizes, urls: seen };
}

describe('order', () => {
  it('given three links added one after another, when listed, then the newest comes first', async () => {
    const alice = await login('alice');
    await addAll(alice, [
      { url: 'https://first.example/' },
      { url: 'https://second.example/' },
      { url: 'https://third.example/' },
    ]);

    const listing = expectJson<LinkListing>(await alice.get('/v1/links'), 200);

    expect(listing.links.map((l) => l.url)).toEqual([
      'https://third.example/',
      'https://second.example/',
      'https://first.example/',
    ]);
    expect(listing.next_token).toBeNull();
  });

  it('given an updated older link, when listed, then order stays by creation, not by update', async () => {
    const alice = await login('alice');
    await addAll(alice, [{ url: 'https://old.example/' }, { url: 'https://new.example/' }]);
    expectJson(await alice.put('/v1/links', { url: 'https://old.example/', title: 'touched' }), 200);

    expect(await urls(alice)).toEqual(['https://new.example/', 'https://old.example/']);
  });
});

describe('filters', () => {
  let alice: RawApiClient;
  beforeAll(async () => {
    alice = await login('filterer');
    await addAll(alice, [
      {
        url: 'https://golang.org/doc/',
        title: 'Go documentation',
        description: 'Effective Go and the spec',
        tags: ['go', 'docs'],
      },
      {
        url: 'https://kubernetes.io/docs/',
        title: 'Kubernetes Docs',
        description: 'Pods and services',
        tags: ['k8s', 'docs'],
      },
      {
        url: 'http://example.com/golang-blog',
        title: 'A blog about golang',
        description: 'gophers',
        tags: ['golang'],
      },
    ]);
  });

  it('given url_regex, when listing, then it matches anywhere in the url (unanchored)', async () => {
    expect(await urls(alice, { url_regex: 'golang' })).toEqual([
      'http://example.com/golang-blog',
      'https://golang.org/doc/',
    ]);
    expect(await urls(alice, { url_regex: '^http:' })).toEqual(['http://example.com/golang-blog']);
    expect(await urls(alice, { url_regex: 'docs/$' })).toEqual(['https://kubernetes.io/docs/']);
  });

  it('given title_regex, when listing, then only matching titles come back, case-sensitively unless (?i)', async () => {
    expect(await urls(alice, { title_regex: 'Doc' })).toEqual(['https://kubernetes.io/docs/']);
    expect(await urls(alice, { title_regex: 'doc' })).toEqual(['https://golang.org/doc/']);
    expect(await urls(alice, { title_regex: '(?i)DOC' })).toEqual([
      'https://kubernetes.io/docs/',
      'https://golang.org/doc/',
    ]);
  });

  it('given description_regex, when listing, then only matching descriptions come back', async () => {
    expect(await urls(alice, { description_regex: 'Pods|gophers' })).toEqual([
      'http://example.com/golang-blog',
      'https://kubernetes.io/docs/',
    ]);
    expect(await urls(alice, { description_regex: '\\bspec$' })).toEqual(['https://golang.org/doc/']);
  });

  it('given tag, when listing, then it matches the exact tag only, not a tag that contains it', async () => {
    expect(await urls(alice, { tag: 'go' })).toEqual(['https://golang.org/doc/']);
    expect(await urls(alice, { tag: 'docs' })).toEqual([
      'https://kubernetes.io/docs/',
      'https://golang.org/doc/',
    ]);
    expect(await urls(alice, { tag: 'gol' })).toEqual([]);
  });

  it('given several filters, when listing, then a link must match all of them', async () => {
    expect(await urls(alice, { tag: 'docs', url_regex: 'golang' })).toEqual(['https://golang.org/doc/']);
    expect(await urls(alice, { tag: 'docs', title_regex: 'blog' })).toEqual([]);
  });

  it('given a pattern that backtracking engines take forever on, when listing, then RE2 answers at once', async () => {
    const bob = await login('bob');
    await addAll(bob, [{ url: `https://example.com/${'a'.repeat(60)}` }]);

    const started = Date.now();
    expect(await urls(bob, { url_regex: '(a+)+b$' })).toEqual([]);
    expect(await urls(bob, { url_regex: '(a|aa)+$' })).toEqual([`https://example.com/${'a'.repeat(60)}`]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it.each([
    ['description_regex', '(?:a{0,50}){0,20}$'],
    ['url_regex', 'a{0,1000}'],
    ['title_regex', '.{0,100}.{0,100}'],
  ])(
    'given a %s that would cost too much to match (%s), when listing, then 400 invalid_request naming it',
    async (field, pattern) => {
      const carol = await login('carol');

      const error = expectError(
        await carol.get(`/v1/links?${query({ [field]: pattern })}`),
        400,
        'invalid_request',
      );

      expect(Object.keys(error.error.details ?? {})).toEqual([field]);
    },
  );
});

describe('paging', () => {
  let alice: RawApiClient;
  const added: string[] = [];
  beforeAll(async () => {
    alice = await login('pager');
    for (let i = 0; i < 25; i++) added.push(`https://example.com/page/${i}`);
    await addAll(
      alice,
      added.map((url, i) => ({ url, tags: i % 2 === 0 ? ['even'] : ['odd'] })),
    );
  });

  it('given 25 links, when paged with limit=10, then pages hold 10, 10 and 5, newest first, with no repeats', async () => {
    const { sizes, urls: seen } = await allPages(alice, { limit: 10 });

    expect(sizes).toEqual([10, 10, 5]);
    expect(new Set(seen).size).toBe(25);
    expect(seen).toEqual([...added].reverse());
  });

  it('given 25 links, when listed without a limit, then the page holds 10, as the original did', async () => {
    const listing = expectJson<LinkListing>(await alice.get('/v1/links'), 200);

    expect(listing.links).toHaveLength(10);
    expect(listing.next_token).toEqual(expect.any(String));
  });

  it('given exactly a page of links, when listed with that limit, then next_token is null', async () => {
    expect((await allPages(alice, { limit: 25 })).sizes).toEqual([25]);
    expect((await allPages(alice, { limit: 100 })).sizes).toEqual([25]);
  });

  it('given a filter, when paged, then each page continues the filtered list', async () => {
    const { sizes, urls: seen } = await allPages(alice, { tag: 'odd', limit: 5 });

    const odd = added.filter((_, i) => i % 2 === 1).reverse();
    expect(seen).toEqual(odd);
    expect(sizes).toEqual([5, 5, 2]);
  });

  it('given a next_token, when the same page is asked for twice, then the same links, and next_tokens that lead to the same page', async () => {
    const first = expectJson<LinkListing>(await alice.get('/v1/links?limit=7'), 200);
    const token = first.next_token!;

    const again = expectJson<LinkListing>(
      await alice.get(`/v1/links?${query({ limit: 7, start_token: token })}`),
      200,
    );
    const once = expectJson<LinkListing>(
      await alice.get(`/v1/links?${query({ limit: 7, start_token: token })}`),
      200,
    );

    expect(again.links).toEqual(once.links);
    expect(again.links[0]!.url).toBe(added[25 - 8]);
    // Each token is encrypted afresh (a random nonce, its own expiry), so the two differ but mean the same.
    expect(again.next_token).not.toBe(once.next_token);
    const pageAfter = async (start: string) =>
      expectJson<LinkListing>(await alice.get(`/v1/links?${query({ limit: 7, start_token: start })}`), 200)
        .links;
    expect(await pageAfter(again.next_token!)).toEqual(await pageAfter(once.next_token!));
  });
});

describe('GET /v1/tags', () => {
  it('given links with tags, when tags are listed, then each tag comes with the number of links that carry it', async () => {
    const alice = await login('tagger');
    const bob = await login('other');
    await addAll(alice, [
      { url: 'https://a.example/', tags: ['go', 'k8s'] },
      { url: 'https://b.example/', tags: 'go' },
      { url: 'https://c.example/', tags: ['GO', 'docs', 'k8s'] },
      { url: 'https://d.example/' },
    ]);
    await addAll(bob, [{ url: 'https://a.example/', tags: ['go', 'secret'] }]);

    const { tags } = expectJson<TagListing>(await alice.get('/v1/tags'), 200);

    expect([...tags].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'docs', count: 1 },
      { name: 'go', count: 3 },
      { name: 'k8s', count: 2 },
    ]);
  });

  it('given tag changes and a deletion, when tags are listed, then the counts follow', async () => {
    const alice = await login('tagger');
    await addAll(alice, [
      { url: 'https://a.example/', tags: ['go', 'k8s'] },
      { url: 'https://b.example/', tags: ['go'] },
    ]);
    expectJson(
      await alice.put('/v1/links', { url: 'https://a.example/', remove_tags: 'k8s', add_tags: 'new' }),
      200,
    );
    expect((await alice.delete(`/v1/links?${query({ url: 'https://b.example/' })}`)).status).toBe(204);

    const { tags } = expectJson<TagListing>(await alice.get('/v1/tags'), 200);

    expect([...tags].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'go', count: 1 },
      { name: 'new', count: 1 },
    ]);
  });

  it('given a user without links, when tags are listed, then the list is empty', async () => {
    const carol = await login('carol');

    expect(expectJson<TagListing>(await carol.get('/v1/tags'), 200)).toEqual({ tags: [] });
  });
});
