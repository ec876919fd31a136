import { describe, expect, it } from 'vitest';
import { InvalidRequest } from '../../../shared/errors.ts';
import {
  audienceBounds,
  CachedLargeAuthorList,
  FanOut,
  FeedWriter,
  LARGE_AUTHORS_MAX,
  LargeAudiences,
  News,
} from '../../../shared/news/core.ts';
import type { FeedWrite } from '../../../shared/news/messages.ts';
import { linkEvent, linkRevision, type FeedChange, type LinkEvent } from '../../../shared/news/model.ts';
import type {
  LargeAuthor,
  LargeAuthorRegistry,
  LinkVisibility,
  RecentLink,
} from '../../../shared/news/ports.ts';
import { PageTokens } from '../../../shared/pagination.ts';
import { followCheckOver } from '../../support/follow-check.ts';
import { everyLinkPublic } from '../../support/news-world.ts';
import { MemoryFeedStore } from '../support/memory-feeds.ts';

const NOW = new Date('2026-11-30T00:00:00.000Z');
const aliceFollowsBobSince = '2026-11-20T00:00:00.000Z';

class Registry implements LargeAuthorRegistry {
  readonly listed = new Map<string, LargeAuthor>();
  async list() {
    return [...this.listed.values()];
  }
  async enlist(author: string, max: number, at: string) {
    if (!this.listed.has(author) && this.listed.size >= max) return false;
    this.listed.set(author, { author, listedAt: at });
    return true;
  }
  async end(author: string, at: string) {
    this.listed.set(author, { ...this.listed.get(author), author, endedAt: at });
  }
  async drop(author: string) {
    this.listed.delete(author);
  }
}

const added = (author: string, n: number, day: number): FeedChange => {
  const at = `2026-11-${String(day).padStart(2, '0')}T00:00:00.000Z`;
  return {
    kind: 'publish',
    event: linkEvent('link_added', author, `https://${author}.example/${n}`, `${author} ${n}`, at),
    revision: linkRevision(at, 1),
  };
};
const eventOf = (change: FeedChange) => (change.kind === 'publish' ? change.event : undefined)!;

/**
 * A world of one reader, alice, who follows bob (with `followers` followers) and carol (pushed); `links` says
 * which links are public now (all, unless a test says otherwise).
 */
function world(followers = 11, recent: RecentLink[] = [], links: LinkVisibility = everyLinkPublic) {
  const feeds = new MemoryFeedStore();
  const timelines = new MemoryFeedStore();
  const registry = new Registry();
  const follows = new Map([
    ['bob', aliceFollowsBobSince],
    ['carol', '2026-11-01T00:00:00.000Z'],
  ]);
  const audiences = {
    followerCount: async (author: string) => (author === 'bob' ? followers : 1),
    followsOf: async (_reader: string, authors: string[]) =>
      new Map([...follows].filter(([author]) => authors.includes(author))),
  };
  const large = new LargeAudiences(timelines, registry, audiences, audienceBounds(10), () => NOW);
  const writer = new FeedWriter(
    feeds,
    { recentPublic: async () => recent },
    followCheckOver((_reader, author) => follows.get(author)),
    () => NOW,
  );
  const pushed: FeedWrite[] = [];
  const fanOut = new FanOut(
    {
      followers: async (author) => ({
        readers: [{ username: 'alice', since: follows.get(author)! }],
      }),
    },
    {
      sendFeedWrites: async (writes) => void pushed.push(...writes),
      sendContinuation: async () => {},
    },
    undefined,
    undefined,
    large,
  );
  const tokens = new PageTokens(
    async () => Buffer.alloc(32, 1),
    () => NOW.getTime(),
  );
  const news = new News(feeds, tokens, links, { timelines, registry, audiences });
  /** Every page of alice's news, `limit` at a time. */
  const read = async (limit: number) => {
    const pages: LinkEvent[][] = [];
    let token: string | undefined;
    do {
      const page = await news.page('alice', limit, token);
      pages.push(page.events);
      token = page.nextToken ?? undefined;
    } while (token);
    return pages;
  };
  /** Fans the change out and writes what was pushed. */
  const publish = async (change: FeedChange) => {
    await fanOut.run(change);
    for (const write of pushed.splice(0)) await writer.apply(write);
  };
  return { feeds, timelines, registry, news, read, publish, writer };
}

describe('news of readers who follow large authors', () => {
  it('given bob has 11 followers, above the threshold of 10, when he adds a link, then nothing is pushed and alice reads it from his timeline', async () => {
    const { feeds, read, publish } = world(11);

    await publish(added('bob', 1, 21));

    expect(await feeds.newest('alice', {}, 10)).toEqual([]);
    expect(await read(10)).toEqual([[eventOf(added('bob', 1, 21))]]);
  });

  it('given events of large bob and pushed carol interleaved, when alice reads pages of two, then they merge newest first, each once, across pages', async () => {
    const { read, publish } = world(11);
    const changes = [
      added('carol', 1, 21),
      added('bob', 1, 22),
      added('bob', 2, 23),
      added('carol', 2, 24),
      added('bob', 3, 25),
    ];
    for (const change of changes) await publish(change);

    const pages = await read(2);

    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(changes.map(eventOf).reverse());
  });

  it('given bob was large, when alice reads, then his events from before she followed stay out', async () => {
    const { read, publish } = world(11);

    await publish(added('bob', 1, 19));

    expect(await read(10)).toEqual([[]]);
  });

  it('given a backfilled link of bob in her feed, when bob, large, makes it private, then it leaves her news', async () => {
    const before = added('bob', 1, 10);
    const link = eventOf(before);
    const { read, publish, timelines, writer } = world(11, [
      {
        url: link.url,
        title: link.title,
        publishedAt: link.timestamp,
        revision: linkRevision(link.timestamp, 1),
      },
    ]);
    await publish(before);
    await writer.followed({ username: 'alice', since: aliceFollowsBobSince }, 'bob');
    expect(await read(10)).toEqual([[link]]);

    await publish({
      kind: 'retract',
      author: 'bob',
      url: link.url,
      revision: linkRevision(link.timestamp, 2),
    });

    expect(await timelines.newest('bob', {}, 10)).toEqual([]);
    expect(await read(10)).toEqual([[]]);
  });

  it('given a backfilled link of large bob in her feed, when alice reads, then the links behind the page are read while its timeline slot is, not after', async () => {
    const before = added('bob', 1, 10);
    const link = eventOf(before);
    const steps: string[] = [];
    const links: LinkVisibility = {
      publicOf: async (refs) => {
        steps.push('links read');
        return refs;
      },
    };
    const recent = [
      {
        url: link.url,
        title: link.title,
        publishedAt: link.timestamp,
        revision: linkRevision(link.timestamp, 1),
      },
    ];
    const { read, publish, timelines, writer } = world(11, recent, links);
    await publish(before);
    await writer.followed({ username: 'alice', since: aliceFollowsBobSince }, 'bob');
    const slotStates = timelines.slotStates.bind(timelines);
    timelines.slotStates = async (slots) => {
      steps.push('slots asked');
      await new Promise((resolve) => setImmediate(resolve));
      steps.push('slots answered');
      return slotStates(slots);
    };

    expect(await read(10)).toEqual([[link]]);
    expect(steps).toEqual(['slots asked', 'links read', 'slots answered']);
  });

  it('given a page token of another reader or edited, when alice uses it, then it is refused', async () => {
    const { news, publish } = world(11);
    for (let day = 21; day < 25; day++) await publish(added('bob', day, day));
    const { nextToken } = await news.page('alice', 1);

    await expect(news.page('bob', 1, nextToken!)).rejects.toBeInstanceOf(InvalidRequest);
    await expect(news.page('alice', 1, `${nextToken!.slice(0, -2)}AA`)).rejects.toBeInstanceOf(
      InvalidRequest,
    );
  });
});

describe('which authors are large', () => {
  const audienceAt = async (registry: Registry, followers: number) =>
    new LargeAudiences(
      new MemoryFeedStore(),
      registry,
      { followerCount: async () => followers },
      audienceBounds(10),
      () => NOW,
    ).audienceOf('bob');

  it('given the threshold of 10, when bob has 10 followers, then he is pushed; at 11 he is listed and large; at 9 he stays large; at 8 he is pushed again and the listing ends', async () => {
    const registry = new Registry();

    expect(await audienceAt(registry, 10)).toBe('pushed');
    expect(await registry.list()).toEqual([]);
    expect(await audienceAt(registry, 11)).toBe('large');
    expect(await registry.list()).toEqual([{ author: 'bob', listedAt: NOW.toISOString() }]);
    expect(await audienceAt(registry, 9)).toBe('large');
    expect(await audienceAt(registry, 8)).toBe('pushed');
    expect(await registry.list()).toEqual([
      { author: 'bob', listedAt: NOW.toISOString(), endedAt: NOW.toISOString() },
    ]);
  });

  it('given nobody follows bob, then nothing is recorded or pushed', async () => {
    expect(await audienceAt(new Registry(), 0)).toBe('nobody');
  });

  it('given the registry is full, when bob passes the threshold, then he is pushed', async () => {
    const registry = new Registry();
    for (let i = 0; i < LARGE_AUTHORS_MAX; i++)
      await registry.enlist(`author${i}`, LARGE_AUTHORS_MAX, NOW.toISOString());

    expect(await audienceAt(registry, 50)).toBe('pushed');
  });

  it('given a new listing takes effect after 40 s, when bob passes the threshold, then he is listed but pushed until 40 s have passed', async () => {
    const registry = new Registry();
    const audienceOfBobAt = (seconds: number) =>
      new LargeAudiences(
        new MemoryFeedStore(),
        registry,
        { followerCount: async () => 11 },
        audienceBounds(10),
        () => new Date(NOW.getTime() + seconds * 1000),
        40_000,
      ).audienceOf('bob');

    expect(await audienceOfBobAt(0)).toBe('pushed');
    expect(await registry.list()).toEqual([{ author: 'bob', listedAt: NOW.toISOString() }]);
    expect(await audienceOfBobAt(39.999)).toBe('pushed');
    expect(await audienceOfBobAt(40)).toBe('large');
    expect(await registry.list()).toEqual([{ author: 'bob', listedAt: NOW.toISOString() }]);
  });

  it('given a listing that ended more than the retention ago, when bob is small, then it is dropped', async () => {
    const registry = new Registry();
    registry.listed.set('bob', { author: 'bob', endedAt: '2026-07-01T00:00:00.000Z' });

    expect(await audienceAt(registry, 3)).toBe('pushed');
    expect(await registry.list()).toEqual([]);
  });
});

describe("a news page's copy of the large authors", () => {
  /** A registry that counts its reads and answers what `listing` holds at the time. */
  function counted() {
    const registry = { reads: 0, listing: [] as LargeAuthor[], failing: false };
    return Object.assign(registry, {
      list: async () => {
        registry.reads++;
        if (registry.failing) throw new Error('unavailable');
        return registry.listing;
      },
    });
  }

  it('given a copy read at 0 s, when pages read it until 5 s, then the registry is read once; at 5 s again, and the new listing shows', async () => {
    const registry = counted();
    let now = 0;
    const copy = new CachedLargeAuthorList(registry, () => now, 5000);

    expect(await copy.list()).toEqual([]);
    registry.listing = [{ author: 'bob', listedAt: NOW.toISOString() }];
    now = 4999;
    expect(await copy.list()).toEqual([]);
    expect(registry.reads).toBe(1);

    now = 5000;
    expect(await copy.list()).toEqual([{ author: 'bob', listedAt: NOW.toISOString() }]);
    expect(registry.reads).toBe(2);
  });

  it('given a read that failed, when the next page asks, then the registry is read again', async () => {
    const registry = counted();
    const copy = new CachedLargeAuthorList(registry, () => 0, 5000);
    registry.failing = true;

    await expect(copy.list()).rejects.toThrow('unavailable');
    registry.failing = false;

    expect(await copy.list()).toEqual([]);
    expect(registry.reads).toBe(2);
  });
});

describe('news of links changed since their events were delivered', () => {
  it('given events of links that are private or gone now, their retractions still on the way, when alice reads pages of two, then those adds are left out at once, a deletion stays, and paging goes on below what each page examined', async () => {
    const hiddenNow = new Set([
      'https://carol.example/2',
      'https://bob.example/1',
      'https://carol.example/4',
    ]);
    const asked: string[][] = [];
    const links: LinkVisibility = {
      publicOf: async (refs) => {
        asked.push(refs.map((ref) => ref.url));
        return refs.filter((ref) => !hiddenNow.has(ref.url));
      },
    };
    const { read, publish } = world(11, [], links);
    const deletion: FeedChange = {
      kind: 'publish',
      event: linkEvent(
        'link_deleted',
        'carol',
        'https://carol.example/4',
        'carol 4',
        '2026-11-26T00:00:00.000Z',
      ),
      revision: linkRevision('2026-11-25T00:00:00.000Z', 2),
    };
    for (const change of [
      added('carol', 1, 21),
      added('carol', 2, 22),
      added('carol', 3, 23),
      added('bob', 1, 24),
      deletion,
    ]) {
      await publish(change);
    }

    const pages = await read(2);

    expect(pages).toEqual([
      [eventOf(deletion)],
      [eventOf(added('carol', 3, 23))],
      [eventOf(added('carol', 1, 21))],
    ]);
    // Each page asks about the links of its adds and updates only.
    expect(asked).toEqual([
      ['https://bob.example/1'],
      ['https://carol.example/3', 'https://carol.example/2'],
      ['https://carol.example/1'],
    ]);
  });
});
