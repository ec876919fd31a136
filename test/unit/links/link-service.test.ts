import { beforeEach, describe, expect, it } from 'vitest';
import {
  AlreadyExists,
  InvalidRequest,
  LinkLimitReached,
  NotFound,
  Unavailable,
} from '../../../shared/errors.ts';
import {
  FILTER_SCAN_BUDGET,
  LinkService,
  REGEX_TIME_BUDGET_MS,
  type ListQuery,
} from '../../../shared/links/core.ts';
import { DuplicateLink, type Link } from '../../../shared/links/model.ts';
import { PageTokens } from '../../../shared/pagination.ts';
import { aLink } from '../../support/builders.ts';
import { InMemoryLinkStore } from '../support/memory-link-store.ts';

const KEY = Buffer.from('a-unit-test-key-of-at-least-thirty-two-characters');
const START = Date.parse('2026-11-23T18:00:00.000Z');

let now: Date;
let store: InMemoryLinkStore;
let service: LinkService;
let pageTokens: PageTokens;
let regexTime: { budgetMs: number; clock: () => number };

function given(links: Link[], maxLinks = 10_000): void {
  store = new InMemoryLinkStore(links);
  pageTokens = new PageTokens(async () => KEY);
  // The regex clock stands still: no test depends on how fast the machine matches, unless it says so.
  service = new LinkService(store, pageTokens, maxLinks, () => now, undefined, regexTime);
}

/** `count` links of alice's, one a minute: link 1 is the oldest, link `count` the newest. */
function linksOneMinuteApart(count: number, details: (i: number) => Partial<Link> = () => ({})): Link[] {
  return Array.from({ length: count }, (_, index) => {
    const i = index + 1;
    return aLink({
      url: `https://example.com/${i}`,
      created_at: new Date(START + i * 60_000).toISOString(),
      ...details(i),
    });
  });
}

const numbers = (links: Link[]) => links.map((link) => Number(link.url.split('/').pop()));

/** Every page of a listing, following next_token to the end. */
async function allPages(username: string, query: Omit<ListQuery, 'startToken'>): Promise<Link[][]> {
  const pages: Link[][] = [];
  let startToken: string | undefined;
  do {
    const page = await service.list(username, { ...query, startToken });
    pages.push(page.links);
    startToken = page.nextToken ?? undefined;
  } while (startToken && pages.length < 100);
  return pages;
}

beforeEach(() => {
  now = new Date('2026-12-01T00:00:00.000Z');
  regexTime = { budgetMs: REGEX_TIME_BUDGET_MS, clock: () => 0 };
  given([]);
});

describe('LinkService.add', () => {
  it('given a new URL, when alice adds it, then it is stored pending, created and updated now, at version 1', async () => {
    const link = await service.add('alice', {
      url: 'https://golang.org/',
      title: 'Golang',
      description: '',
      tags: ['go'],
      private: false,
    });

    expect(link).toMatchObject({ username: 'alice', status: 'pending', http_status: null, checked_at: null });
    expect(link.created_at).toBe(now.toISOString());
    expect(link.updated_at).toBe(now.toISOString());
    expect(link.version).toBe(1);
    expect(store.stored('alice', 'https://golang.org/')).toEqual(link);
  });

  it('given alice has the URL, when she adds it again, then DuplicateLink (an AlreadyExists) carries the existing link', async () => {
    const existing = aLink({ url: 'https://golang.org/', title: 'First' });
    given([existing]);

    const adding = service.add('alice', {
      url: 'https://golang.org/',
      title: 'Second',
      description: '',
      tags: [],
      private: false,
    });

    await expect(adding).rejects.toBeInstanceOf(AlreadyExists);
    await expect(adding).rejects.toBeInstanceOf(DuplicateLink);
    await expect(adding).rejects.toMatchObject({ link: existing });
  });

  it('given alice has as many links as allowed, when she adds one more, then LinkLimitReached', async () => {
    given(linksOneMinuteApart(3), 3);

    await expect(
      service.add('alice', {
        url: 'https://new.example/',
        title: '',
        description: '',
        tags: [],
        private: false,
      }),
    ).rejects.toBeInstanceOf(LinkLimitReached);
  });
});

describe('LinkService.list: paging', () => {
  it('given 25 links, when alice pages through them 10 at a time, then 10, 10 and 5, newest first, and next_token null at the end', async () => {
    given(linksOneMinuteApart(25));

    const pages = await allPages('alice', { limit: 10 });

    expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
    expect(numbers(pages.flat())).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
  });

  it('given exactly 10 links, when alice lists 10, then all of them and next_token null: no empty last page', async () => {
    given(linksOneMinuteApart(10));

    const page = await service.list('alice', { limit: 10 });

    expect(page.links).toHaveLength(10);
    expect(page.nextToken).toBeNull();
  });

  it('given links of alice and bob, when alice lists, then she sees only hers', async () => {
    given([...linksOneMinuteApart(2), aLink({ username: 'bob', url: 'https://bob.example/' })]);

    const page = await service.list('alice', { limit: 10 });

    expect(page.links.map((link) => link.username)).toEqual(['alice', 'alice']);
  });

  it('given two links created in the same millisecond, when alice pages one at a time, then she gets each exactly once', async () => {
    const at = '2026-11-23T18:00:00.000Z';
    given([
      aLink({ url: 'https://a.example/', created_at: at }),
      aLink({ url: 'https://b.example/', created_at: at }),
    ]);

    const pages = await allPages('alice', { limit: 1 });

    expect(
      pages
        .flat()
        .map((link) => link.url)
        .sort(),
    ).toEqual(['https://a.example/', 'https://b.example/']);
  });
});

describe('LinkService.list: filters', () => {
  beforeEach(() => {
    given([
      aLink({
        url: 'https://golang.org/',
        title: 'The Go language',
        tags: ['go', 'lang'],
        created_at: '2026-11-01T00:00:00.000Z',
      }),
      aLink({
        url: 'https://go.dev/blog',
        title: 'Go blog',
        tags: ['go'],
        created_at: '2026-11-02T00:00:00.000Z',
      }),
      aLink({
        url: 'https://kubernetes.io/',
        title: 'Kubernetes',
        description: 'Written in Go',
        tags: ['k8s'],
        created_at: '2026-11-03T00:00:00.000Z',
      }),
      aLink({
        url: 'https://rust-lang.org/',
        title: 'Rust',
        tags: ['golang-adjacent'],
        created_at: '2026-11-04T00:00:00.000Z',
      }),
    ]);
  });

  const urls = async (query: Partial<ListQuery>) =>
    (await service.list('alice', { limit: 10, ...query })).links.map((link) => link.url);

  it('given a url_regex, when alice lists, then it matches anywhere in the URL (unanchored)', async () => {
    expect(await urls({ urlRegex: 'go' })).toEqual(['https://go.dev/blog', 'https://golang.org/']);
    expect(await urls({ urlRegex: '^go' })).toEqual([]);
    expect(await urls({ urlRegex: '\\.org/$' })).toEqual(['https://rust-lang.org/', 'https://golang.org/']);
  });

  it('given a title_regex and a description_regex, when alice lists, then both must match', async () => {
    expect(await urls({ titleRegex: '^K', descriptionRegex: 'Go$' })).toEqual(['https://kubernetes.io/']);
    expect(await urls({ titleRegex: '^K', descriptionRegex: 'Rust' })).toEqual([]);
  });

  it('given a tag, when alice lists, then only links with exactly that tag, whatever its case in the query', async () => {
    expect(await urls({ tag: 'Go' })).toEqual(['https://go.dev/blog', 'https://golang.org/']);
    expect(await urls({ tag: 'gol' })).toEqual([]);
  });

  it.each([
    ['url_regex', { urlRegex: '(unclosed' }],
    ['title_regex', { titleRegex: '[z-a]' }],
    ['description_regex', { descriptionRegex: '(a)\\1' }],
  ])(
    'given an invalid RE2 pattern in %s, when alice lists, then InvalidRequest naming that field',
    async (field, query) => {
      const listing = service.list('alice', { limit: 10, ...query });

      await expect(listing).rejects.toBeInstanceOf(InvalidRequest);
      await expect(listing).rejects.toMatchObject({ details: { [field]: expect.any(String) } });
    },
  );

  it('given a regex of 257 characters, when alice lists, then InvalidRequest naming the field; 256 is fine', async () => {
    await expect(service.list('alice', { limit: 10, urlRegex: 'a'.repeat(257) })).rejects.toMatchObject({
      details: { url_regex: expect.stringContaining('256') },
    });
    await expect(service.list('alice', { limit: 10, urlRegex: 'a'.repeat(256) })).resolves.toBeDefined();
  });

  it('given a pattern that makes backtracking engines explode, when alice lists, then it answers', async () => {
    given([aLink({ title: `${'a'.repeat(40)}!` })]);

    // A backtracking engine takes about 2^40 steps here: it would not answer within the test's timeout on any
    // machine, so no wall-clock bound is needed (and none could hold on every machine).
    const page = await service.list('alice', { limit: 10, titleRegex: '^(a+)+$' });

    expect(page.links).toEqual([]);
  });
});

describe('LinkService.list: filtered paging across the scan budget', () => {
  it('given 2,500 links of which every 500th matches, when alice pages, then each page stops at the budget and together they hold every match once', async () => {
    given(linksOneMinuteApart(2500, (i) => ({ tags: i % 500 === 0 ? ['rare'] : ['common'] })));
    const examinedPerPage: number[] = [];

    const pages: Link[][] = [];
    let startToken: string | undefined;
    do {
      const before = store.listCalls.length;
      const page = await service.list('alice', { limit: 10, tag: 'rare', startToken });
      examinedPerPage.push(store.listCalls.slice(before).reduce((sum, c) => sum + c.returned, 0));
      pages.push(page.links);
      startToken = page.nextToken ?? undefined;
    } while (startToken);

    expect(numbers(pages.flat())).toEqual([2500, 2000, 1500, 1000, 500]);
    expect(Math.max(...examinedPerPage)).toBeLessThanOrEqual(FILTER_SCAN_BUDGET);
    expect(pages.length).toBeGreaterThan(1);
  });

  it('given more matches than the limit, when alice pages with a filter, then pages are full, contiguous and without repeats', async () => {
    given(linksOneMinuteApart(60, (i) => ({ title: i % 2 === 0 ? 'even' : 'odd' })));

    const pages = await allPages('alice', { limit: 7, titleRegex: 'even' });

    expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);
    expect(numbers(pages.flat())).toEqual(Array.from({ length: 30 }, (_, i) => 60 - 2 * i));
  });
});

describe('LinkService.list: filtered paging across the regex time budget', () => {
  /** Every regex seems to take `msPerRegex`: the clock moves that much each time it is read. */
  function givenRegexesTake(msPerRegex: number, links: Link[]): void {
    let clock = 0;
    regexTime = { budgetMs: 150, clock: () => (clock += msPerRegex) };
    given(links);
  }

  it('given regexes that take 10 ms each and 3 matches among 100 links, when alice pages, then each page scans 15 links and the matches come once each, empty pages between', async () => {
    givenRegexesTake(
      10,
      linksOneMinuteApart(100, (i) => ({ title: [97, 50, 3].includes(i) ? 'match' : 'other' })),
    );

    const pages = await allPages('alice', { limit: 10, titleRegex: 'match' });

    // Links 100-86, 85-71, 70-56, 55-41, 40-26, 25-11, 10-1: the budget cuts every page at 15 links, and each
    // token resumes after the last link scanned, not after the last one returned.
    expect(pages.map(numbers)).toEqual([[97], [], [], [50], [], [], [3]]);
  });

  it('given a budget cut, when alice lists, then the page still carries a next_token even with no match on it', async () => {
    givenRegexesTake(
      10,
      linksOneMinuteApart(40, () => ({ title: 'other' })),
    );

    const page = await service.list('alice', { limit: 10, titleRegex: 'match' });

    expect(page.links).toEqual([]);
    expect(page.nextToken).not.toBeNull();
  });

  it('given two regexes of 10 ms each, when alice pages, then the budget may stop between the fields of a link, and that link is scanned again on the next page', async () => {
    givenRegexesTake(
      10,
      linksOneMinuteApart(20, (i) => ({ title: i % 2 === 1 ? 'Go' : 'Rust' })),
    );

    const pages = await allPages('alice', { limit: 10, urlRegex: 'example', titleRegex: 'Go' });

    // Every link costs two regexes (each url matches): 150 ms buys links 20 to 14 and the url regex of link
    // 13; its title regex would overrun, so link 13, a match, is left undecided and opens the second page.
    expect(pages.map(numbers)).toEqual([
      [19, 17, 15],
      [13, 11, 9, 7],
      [5, 3, 1],
    ]);
  });

  it('given regexes that each take longer than the whole budget, when alice pages, then each page still decides one link, and all matches come once', async () => {
    givenRegexesTake(
      1000,
      linksOneMinuteApart(6, (i) => ({ title: i % 2 === 0 ? 'Go' : 'Rust' })),
    );

    const pages = await allPages('alice', { limit: 10, urlRegex: 'example', titleRegex: 'Go' });

    expect(pages.map(numbers)).toEqual([[6], [], [4], [], [2], []]);
  });

  it('given a tag filter alone and a clock that says hours pass, when alice lists, then the budget does not apply', async () => {
    givenRegexesTake(
      3_600_000,
      linksOneMinuteApart(30, (i) => ({ tags: i % 3 === 0 ? ['go'] : [] })),
    );

    const page = await service.list('alice', { limit: 20, tag: 'go' });

    expect(numbers(page.links)).toEqual([30, 27, 24, 21, 18, 15, 12, 9, 6, 3]);
    expect(page.nextToken).toBeNull();
  });
});

describe('LinkService.list: start tokens', () => {
  beforeEach(() => given(linksOneMinuteApart(5)));

  const firstToken = async (username = 'alice') => (await service.list(username, { limit: 2 })).nextToken!;

  it('given a next_token with any one character changed, when alice lists from it, then InvalidRequest naming start_token', async () => {
    const token = await firstToken();

    for (const at of [0, Math.floor(token.length / 2), token.indexOf('.') + 1, token.length - 1]) {
      const edited = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
      await expect(
        service.list('alice', { limit: 2, startToken: edited }),
        `edited at ${at}`,
      ).rejects.toMatchObject({
        code: 'invalid_request',
        details: { start_token: expect.any(String) },
      });
    }
  });

  it("given alice's next_token, when bob presents it, then InvalidRequest rather than a page of alice's links", async () => {
    const token = await firstToken('alice');

    await expect(service.list('bob', { limit: 2, startToken: token })).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('given a token issued for another list of alice, when she lists links from it, then InvalidRequest', async () => {
    const followingToken = await pageTokens.seal('following', 'alice', {
      createdAt: '2026-11-23T18:00:00.000Z',
      url: 'https://example.com/1',
    });

    await expect(service.list('alice', { limit: 2, startToken: followingToken })).rejects.toBeInstanceOf(
      InvalidRequest,
    );
  });

  it('given a properly signed token whose position is not a link position, when alice lists, then InvalidRequest', async () => {
    const odd = await pageTokens.seal('links', 'alice', { page: 2 });

    await expect(service.list('alice', { limit: 2, startToken: odd })).rejects.toBeInstanceOf(InvalidRequest);
  });

  it('given garbage, when alice lists from it, then InvalidRequest', async () => {
    await expect(service.list('alice', { limit: 2, startToken: 'not-a-token' })).rejects.toBeInstanceOf(
      InvalidRequest,
    );
  });
});

describe('LinkService.update', () => {
  const link = aLink({
    url: 'https://golang.org/',
    title: 'Golang',
    description: 'The language',
    tags: ['go', 'old'],
    created_at: '2026-11-23T18:00:00.000Z',
  });

  it('given tags to add and remove, when alice updates, then they are merged, sorted, and other fields kept', async () => {
    given([link]);

    const updated = await service.update('alice', {
      url: 'https://golang.org/',
      addTags: ['rust', 'go', 'abc'],
      removeTags: ['old', 'not-there'],
    });

    expect(updated).toMatchObject({
      tags: ['abc', 'go', 'rust'],
      title: 'Golang',
      description: 'The language',
    });
    expect(updated.version).toBe(2);
    expect(store.stored('alice', 'https://golang.org/')).toEqual(updated);
  });

  it('given an empty title, when alice updates, then the title becomes empty (given fields win, even falsy ones)', async () => {
    given([link]);

    const updated = await service.update('alice', { url: 'https://golang.org/', title: '', private: false });

    expect(updated.title).toBe('');
  });

  it('given the clock reads the same millisecond as the last change, when alice updates, then updated_at still moves forward', async () => {
    given([link]);
    now = new Date(link.updated_at);

    const first = await service.update('alice', { url: link.url, title: 'One' });
    const second = await service.update('alice', { url: link.url, title: 'Two' });

    expect(Date.parse(first.updated_at)).toBeGreaterThan(Date.parse(link.updated_at));
    expect(Date.parse(second.updated_at)).toBeGreaterThan(Date.parse(first.updated_at));
  });

  it('given a later clock, when alice updates, then updated_at is now', async () => {
    given([link]);

    expect((await service.update('alice', { url: link.url, title: 'x' })).updated_at).toBe(now.toISOString());
  });

  it('given another request changes the link between read and write, when alice updates, then it retries and both changes survive', async () => {
    given([link]);
    let concurrentWrites = 0;
    store.beforeReplace = () => {
      if (concurrentWrites++ > 0) return;
      const current = store.stored('alice', link.url)!;
      Object.assign(current, { description: 'Changed meanwhile', version: current.version + 1 });
    };

    const updated = await service.update('alice', { url: link.url, addTags: ['new'] });

    expect(updated).toMatchObject({
      description: 'Changed meanwhile',
      tags: ['go', 'new', 'old'],
      version: 3,
    });
    expect(store.stored('alice', link.url)).toEqual(updated);
  });

  it('given the link keeps changing under every attempt, when alice updates, then Unavailable rather than a lost update', async () => {
    given([link]);
    store.beforeReplace = () => {
      store.stored('alice', link.url)!.version++;
    };

    await expect(service.update('alice', { url: link.url, title: 'x' })).rejects.toBeInstanceOf(Unavailable);
  });

  it('given alice has no such link, when she updates it, then NotFound', async () => {
    await expect(
      service.update('alice', { url: 'https://nowhere.example/', title: 'x' }),
    ).rejects.toBeInstanceOf(NotFound);
  });

  it('given a link with 95 tags, when alice adds 6 more, then InvalidRequest naming add_tags and nothing is written', async () => {
    const many = Array.from({ length: 95 }, (_, i) => `tag${String(i).padStart(3, '0')}`);
    given([{ ...link, tags: many }]);

    const adding = service.update('alice', { url: link.url, addTags: ['x1', 'x2', 'x3', 'x4', 'x5', 'x6'] });

    await expect(adding).rejects.toMatchObject({
      code: 'invalid_request',
      details: { add_tags: expect.any(String) },
    });
    expect(store.stored('alice', link.url)!.tags).toEqual(many);
  });

  it('given a link with 95 tags, when alice adds 5 more, then it has exactly 100', async () => {
    const many = Array.from({ length: 95 }, (_, i) => `tag${String(i).padStart(3, '0')}`);
    given([{ ...link, tags: many }]);

    const updated = await service.update('alice', { url: link.url, addTags: ['x1', 'x2', 'x3', 'x4', 'x5'] });

    expect(updated.tags).toHaveLength(100);
  });
});

describe('LinkService.remove', () => {
  it('given alice has the link, when she removes it, then it is gone', async () => {
    given([aLink({ url: 'https://golang.org/' })]);

    await service.remove('alice', 'https://golang.org/');

    expect(store.stored('alice', 'https://golang.org/')).toBeUndefined();
  });

  it('given alice has no such link, when she removes it, then NotFound', async () => {
    await expect(service.remove('alice', 'https://golang.org/')).rejects.toBeInstanceOf(NotFound);
  });
});

describe('LinkService.tags', () => {
  it('given links with overlapping tags, when alice asks for her tags, then each with its count, most used first, ties by name', async () => {
    given([
      ...linksOneMinuteApart(3, (i) => ({
        tags: i === 1 ? ['go', 'web'] : i === 2 ? ['go', 'k8s'] : ['go', 'web'],
      })),
      aLink({ username: 'bob', url: 'https://bob.example/', tags: ['k8s'] }),
    ]);

    expect(await service.tags('alice')).toEqual([
      { name: 'go', count: 3 },
      { name: 'web', count: 2 },
      { name: 'k8s', count: 1 },
    ]);
  });

  it('given no links, when alice asks for her tags, then none', async () => {
    expect(await service.tags('alice')).toEqual([]);
  });
});
