import { describe, expect, it } from 'vitest';
import { Unavailable } from '../../../shared/errors.ts';
import { toHttpError } from '../../../shared/http/errors.ts';
import { InvalidQuery } from '../../../shared/search/query.ts';
import { PageTokens } from '../../../shared/pagination.ts';
import { LinkSearch, REBUILD_RETRY_AFTER_SECONDS, type SearchRequest } from '../../../shared/search/core.ts';
import { LinkSearchIndex } from '../../../shared/search/index.ts';
import type { Link } from '../../../shared/links/model.ts';
import { aLink } from '../../support/builders.ts';
import { InMemoryIndexStore, InMemoryLinks, InMemoryRebuilds } from './fakes.ts';

const tokens = new PageTokens(async () => Buffer.alloc(32, 3));

/** alice's links, in the links table and in her stored index alike. */
async function aSearch(links: Link[], { users = ['alice'] } = {}) {
  const store = new InMemoryIndexStore();
  const table = new InMemoryLinks();
  const rebuilds = new InMemoryRebuilds();
  const index = LinkSearchIndex.empty();
  for (const link of links) {
    table.put(link);
    index.upsert(link);
  }
  await store.save('alice', index);
  const search = new LinkSearch(store, table, tokens, async (username) => users.includes(username), rebuilds);
  const page = (request: Partial<SearchRequest> & { q: string }, username = 'alice') =>
    search.page(username, { publicOnly: false, filter: {}, limit: 10, ...request });
  return { store, table, search, page, rebuilds };
}

const link = (n: number, overrides: Partial<Link> = {}) =>
  aLink({
    url: `https://example.com/${n}`,
    title: `golang note ${n}`,
    created_at: `2026-01-${String(10 + n).padStart(2, '0')}T00:00:00.000Z`,
    ...overrides,
  });

const urls = (links: Link[]) => links.map((found) => found.url);

describe('LinkSearch', () => {
  it('given matching links, when searched with a limit, then pages follow one another through the ranked list', async () => {
    const { page } = await aSearch([1, 2, 3, 4, 5].map((n) => link(n)));

    const first = await page({ q: 'golang', limit: 2 });
    const second = await page({ q: 'golang', limit: 2, startToken: first.nextToken! });
    const third = await page({ q: 'golang', limit: 2, startToken: second.nextToken! });

    expect([...urls(first.links), ...urls(second.links), ...urls(third.links)]).toEqual(
      [5, 4, 3, 2, 1].map((n) => `https://example.com/${n}`),
    );
    expect(third.nextToken).toBeNull();
  });

  it('given a link deleted from the table but still in the index, when searched, then it is not shown', async () => {
    const gone = link(2);
    const { page, table } = await aSearch([link(1), gone]);
    table.delete(gone);

    expect(urls((await page({ q: 'golang' })).links)).toEqual(['https://example.com/1']);
  });

  it('given a link made private in the table but public in the index, when searched publicly, then it is not shown', async () => {
    const turned = link(2);
    const { page, table } = await aSearch([link(1), turned]);
    table.put({ ...turned, private: true });

    expect(urls((await page({ q: 'golang', publicOnly: true })).links)).toEqual(['https://example.com/1']);
    expect(urls((await page({ q: 'golang' })).links)).toHaveLength(2);
  });

  it('given the other filters, when searched, then they apply to what the search found', async () => {
    const { page } = await aSearch([link(1, { tags: ['go'] }), link(2, { tags: ['rust'] }), link(3)]);

    expect(urls((await page({ q: 'golang', filter: { tag: 'go' } })).links)).toEqual([
      'https://example.com/1',
    ]);
    expect(urls((await page({ q: 'golang', filter: { urlRegex: '/[23]$' } })).links)).toEqual([
      'https://example.com/3',
      'https://example.com/2',
    ]);
  });

  it('given a token of one query, when used with another, then it is refused', async () => {
    const { page } = await aSearch([1, 2, 3].map((n) => link(n)));
    const first = await page({ q: 'golang', limit: 1 });

    await expect(page({ q: 'note', limit: 1, startToken: first.nextToken! })).rejects.toThrow(/start_token/);
  });

  it('given a malformed query, when searched, then it is a 400 with the position', async () => {
    const { page } = await aSearch([link(1)]);

    await expect(page({ q: 'golang "unclosed' })).rejects.toBeInstanceOf(InvalidQuery);
  });

  it('given an unknown user on the public route, when searched, then 404; on the own route, nothing', async () => {
    const { page } = await aSearch([link(1)]);

    await expect(page({ q: 'golang', publicOnly: true }, 'nobody')).rejects.toThrow(/No such user/);
    expect((await page({ q: 'golang' }, 'nobody')).links).toEqual([]);
  });

  it('given a cached index, when searched again unchanged, then it is not loaded again; when it changed, it is', async () => {
    const { page, store } = await aSearch([link(1)]);
    await page({ q: 'golang' });
    const loads = store.loads;

    await page({ q: 'golang' });
    expect(store.loads).toBe(loads);

    const index = LinkSearchIndex.empty();
    index.upsert(link(1, { title: 'renamed' }));
    await store.save('alice', index);
    expect(urls((await page({ q: 'renamed' })).links)).toEqual(['https://example.com/1']);
    expect(store.loads).toBe(loads + 1);
  });

  it('given an index of an older format, when searched, then a 503 and its rebuild requested (not an empty list)', async () => {
    const { store, page, rebuilds } = await aSearch([aLink({ url: 'https://a.example/', title: 'go' })]);
    store.outdated.add('alice');

    const refusal = await page({ q: 'go' }).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(Unavailable);
    expect(toHttpError(refusal)).toMatchObject({
      status: 503,
      headers: { 'retry-after': String(REBUILD_RETRY_AFTER_SECONDS) },
      body: { error: { code: 'unavailable' } },
    });
    expect(rebuilds.requested).toEqual(['alice']);
  });

  it('given pages of a search, when links are added and removed between pages, then no link of the first ranking repeats or is skipped', async () => {
    const original = Array.from({ length: 25 }, (_, i) =>
      aLink({
        url: `https://a.example/${String(i).padStart(2, '0')}`,
        title: 'golang notes',
        created_at: `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`,
      }),
    );
    for (const q of ['golang', 'tag:none OR is:pending', '']) {
      const { store, table, page } = await aSearch(original);
      const shown: string[] = [];
      let token: string | undefined;
      for (let round = 0; round < 10; round++) {
        const result = await page({ q, limit: 4, ...(token ? { startToken: token } : {}) });
        shown.push(...result.links.map((link) => link.url));
        if (!result.nextToken) break;
        token = result.nextToken;
        // Between pages: one link that ranks first (newest, its title all the word), and one that ranks last.
        const index = (await store.load('alice')) as { index: LinkSearchIndex };
        const first = aLink({
          url: `https://b.example/${round}`,
          title: 'golang',
          created_at: `2026-03-0${round + 1}T00:00:00.000Z`,
        });
        const last = aLink({
          url: `https://c.example/${round}`,
          title: 'golang notes and more',
          created_at: '2025-01-01T00:00:00.000Z',
        });
        table.put(first, last);
        index.index.upsert(first);
        index.index.upsert(last);
        await store.save('alice', index.index);
      }

      const originalShown = shown.filter((url) => url.startsWith('https://a.example/'));
      expect(new Set(shown).size).toBe(shown.length);
      expect([...originalShown].sort()).toEqual(original.map((link) => link.url).sort());
    }
  });
});
