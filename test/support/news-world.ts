import fc from 'fast-check';
import { expect } from 'vitest';
import type { Link } from '../../shared/links/model.ts';
import type { LinkChange } from '../../shared/links/stream.ts';
import {
  CachedLargeAuthorList,
  FanOut,
  FeedWriter,
  LargeAudiences,
  News,
  type AudienceBounds,
} from '../../shared/news/core.ts';
import { feedChangesFor } from '../../shared/news/events.ts';
import type { FanOutContinuation, FeedWrite } from '../../shared/news/messages.ts';
import { linkRevision, type Reader } from '../../shared/news/model.ts';
import type {
  FeedStore,
  FollowCheck,
  LargeAuthor,
  LargeAuthorRegistry,
  LinkVisibility,
} from '../../shared/news/ports.ts';
import { PageTokens } from '../../shared/pagination.ts';
import { aLink } from './builders.ts';

/**
 * A small world of users, links and follows whose news pipeline runs on the real cores (FanOut, FeedWriter,
 * feedChangesFor) over a given feed store, with every asynchronous step held as a pending delivery. A test
 * decides which delivery runs when, how often, and where it crashes; `settle` then runs what is left.
 */

export const USERS = ['ann', 'bob', 'cat'] as const;

/** For news read straight from the feeds: every link counts as public, so only the pipeline hides anything. */
export const everyLinkPublic: LinkVisibility = { publicOf: async (links) => links };

/**
 * The hybrid's bounds for three users, where an author has at most two followers: above a threshold of one
 * (two followers) an author is large, and at one follower pushed again, so that authors cross both ways while
 * followed.
 */
export const LARGE_AT_TWO_FOLLOWERS: AudienceBounds = { largeAbove: 1, staysLargeFrom: 2 };
const TITLES = ['', 'Go', 'Rust', 'Zig'];

export type Op =
  | { op: 'add'; user: number; link: number; private: boolean }
  | { op: 'edit'; user: number; link: number; title: number }
  | { op: 'setPrivate'; user: number; link: number; private: boolean }
  /** The link checker's write: a new version, nothing a reader sees. */
  | { op: 'check'; user: number; link: number }
  | { op: 'delete'; user: number; link: number }
  | { op: 'follow'; user: number; other: number }
  | { op: 'unfollow'; user: number; other: number }
  /** A reader reads their news, page by page, as the API shows it (which may keep a copy of the registry). */
  | { op: 'read'; user: number }
  /** Runs one pending delivery; `duplicate` leaves it pending to run again; `crashAfter` steps, it crashes. */
  | { op: 'deliver'; pick: number; duplicate: boolean; crashAfter: number | null };

type Delivery =
  | { kind: 'links stream'; change: LinkChange }
  | { kind: 'social stream'; followed: boolean; reader: Reader; author: string }
  | { kind: 'feed write'; write: FeedWrite }
  | { kind: 'continuation'; continuation: FanOutContinuation };

class Crash extends Error {}

/**
 * Where the world's follows are also recorded, and what the feed writer's follow check reads: given the world's
 * clock. The world keeps its own copy for the fan-out's reads of followers.
 */
export interface FollowGraph {
  follow(reader: string, author: string, since: string): Promise<void>;
  unfollow(reader: string, author: string): Promise<void>;
  check: FollowCheck;
}

export interface WorldOptions {
  /** Authors whose followers pass these bounds are not fanned out (the hybrid); without, every author is pushed. */
  large?: AudienceBounds;
  graph?: (now: () => Date) => FollowGraph;
}

/**
 * The social table's design in memory: the current follows, and the end of each follow recorded (by its since) as
 * the unfollow's own transaction records it; the check answers from the ends alone.
 */
function endsInMemory(): FollowGraph {
  const current = new Map<string, string>();
  const ended = new Set<string>();
  return {
    follow: async (reader, author, since) => void current.set(`${reader} ${author}`, since),
    unfollow: async (reader, author) => {
      const since = current.get(`${reader} ${author}`);
      current.delete(`${reader} ${author}`);
      if (since !== undefined) ended.add(`${reader} ${author} ${since}`);
    },
    check: {
      ended: async (author, readers) =>
        new Set(
          readers
            .filter((reader) => ended.has(`${reader.username} ${author} ${reader.since}`))
            .map((reader) => reader.username),
        ),
    },
  };
}

const BASE_TIME = Date.parse('2026-11-01T00:00:00.000Z');
/**
 * How long a news page keeps its copy of the registry, on the world's clock (each operation one second): a few
 * operations, so that news read at the end may come from a copy made before listings changed.
 */
const REGISTRY_COPY_LIFETIME_MS = 3000;

export class NewsWorld {
  readonly links = new Map<string, Link>();
  /** `<reader> <author>` -> since */
  readonly follows = new Map<string, string>();
  private readonly graph: FollowGraph;
  readonly pending: Delivery[] = [];
  readonly feeds: FeedStore;
  private tick = 0;
  private fuse = Infinity;
  private readonly fanOut: FanOut;
  private readonly writer: FeedWriter;
  /** The news as the pipeline leaves it in the feeds, every link taken for public: what the properties compare. */
  private readonly reading: News;
  /** The news as the API shows it: the adds and updates of links private or gone now left out. */
  private readonly shown: News;
  /** Whatever `shown` ever showed of a link private or gone at that moment: must stay empty. */
  readonly leaksShown: string[] = [];

  /**
   * `makeStore` receives the step function that its store calls before each single-item change (see
   * WorldOptions for the rest).
   */
  constructor(makeStore: (step: () => void) => FeedStore, options: WorldOptions = {}) {
    this.graph = (options.graph ?? endsInMemory)(() => this.now());
    const step = () => {
      if (--this.fuse < 0) throw new Crash('crashed');
    };
    this.feeds = makeStore(step);
    const timelines = makeStore(step);
    const registry = new MemoryLargeAuthors(step);
    const audiences = {
      followerCount: async (author: string) =>
        [...this.follows.keys()].filter((key) => key.endsWith(` ${author}`)).length,
      followsOf: async (reader: string, authors: string[]) =>
        new Map(
          authors.flatMap((author) => {
            const since = this.follows.get(`${reader} ${author}`);
            return since ? [[author, since] as const] : [];
          }),
        ),
    };
    const large =
      options.large === undefined
        ? undefined
        : new LargeAudiences(
            timelines,
            registry,
            audiences,
            options.large,
            () => this.now(),
            REGISTRY_COPY_LIFETIME_MS,
          );
    const queue = {
      sendFeedWrites: async (writes: FeedWrite[]) => {
        for (const write of writes) {
          step();
          this.pending.push({ kind: 'feed write', write });
        }
      },
      sendContinuation: async (continuation: FanOutContinuation) => {
        step();
        this.pending.push({ kind: 'continuation', continuation });
      },
    };
    // Small pages and one follower per message, so that continuations and many messages happen.
    this.fanOut = new FanOut({ followers: async (...args) => this.followersOf(...args) }, queue, 2, 1, large);
    this.writer = new FeedWriter(
      this.feeds,
      { recentPublic: async (author, count) => this.recentPublic(author, count) },
      this.graph.check,
      () => this.now(),
    );
    const tokens = new PageTokens(
      async () => Buffer.alloc(32, 7),
      () => this.now().getTime(),
    );
    // News pages read the registry through a copy kept on the world's clock, as the service's instances do.
    const copy = new CachedLargeAuthorList(registry, () => this.now().getTime(), REGISTRY_COPY_LIFETIME_MS);
    const reads = large && { timelines, registry: copy, audiences };
    this.reading = new News(this.feeds, tokens, everyLinkPublic, reads);
    const visibility: LinkVisibility = {
      publicOf: async (links) =>
        links.filter((link) => this.links.get(`${link.author} ${link.url}`)?.private === false),
    };
    this.shown = new News(this.feeds, tokens, visibility, reads);
  }

  now(): Date {
    return new Date(BASE_TIME + this.tick * 1000);
  }

  /** Applies one operation; a change to a link or a follow leaves its stream record pending. */
  async apply(op: Op): Promise<void> {
    if (op.op === 'deliver') return this.deliver(op.pick, op.duplicate, op.crashAfter);
    if (op.op === 'read') return this.readShown(USERS[op.user]!);
    this.tick++;
    const at = this.now().toISOString();
    if (op.op === 'follow' || op.op === 'unfollow') {
      const [reader, author] = [USERS[op.user]!, USERS[op.other]!];
      const key = `${reader} ${author}`;
      const since = this.follows.get(key);
      if (reader === author || (op.op === 'follow') === (since !== undefined)) return;
      if (op.op === 'follow') {
        this.follows.set(key, at);
        await this.graph.follow(reader, author, at);
      } else {
        this.follows.delete(key);
        await this.graph.unfollow(reader, author);
      }
      const record = { username: reader, since: since ?? at };
      this.pending.push({ kind: 'social stream', followed: op.op === 'follow', reader: record, author });
      return;
    }
    const username = USERS[op.user]!;
    const url = `https://${username}.example/${op.link}`;
    const key = `${username} ${url}`;
    const before = this.links.get(key);
    let after: Link | undefined;
    if (op.op === 'add') {
      if (before) return;
      after = aLink({ username, url, title: '', private: op.private, created_at: at, version: 1 });
      if (op.private) delete after.published_at;
    } else {
      if (!before) return;
      const next = { ...before, version: before.version + 1 };
      if (op.op === 'edit') after = { ...next, title: TITLES[op.title % TITLES.length]!, updated_at: at };
      if (op.op === 'setPrivate') {
        const { published_at: publishedAt, ...rest } = next;
        const published = op.private ? {} : { published_at: before.private ? at : publishedAt! };
        after = { ...rest, private: op.private, updated_at: at, ...published };
      }
      if (op.op === 'check') after = { ...next, status: 'valid', checked_at: at };
    }
    if (after) this.links.set(key, after);
    else this.links.delete(key);
    this.pending.push({
      kind: 'links stream',
      change: { ...(before ? { before } : {}), ...(after ? { after } : {}), at },
    });
  }

  /** Runs pending deliveries, first the ones `picks` choose (crashing where they say), then all in order. */
  async settle(picks: { pick: number; crashAfter: number | null }[] = []): Promise<void> {
    for (const { pick, crashAfter } of picks) await this.deliver(pick, false, crashAfter);
    for (let i = 0; this.pending.length > 0; i++) {
      if (i > 100_000) throw new Error('the pipeline does not settle');
      await this.deliver(0, false, null);
    }
  }

  /**
   * Every reader's news, read page by page as a client would, in the order shown: `<reader> <type> <author>
   * <url> <id>`.
   */
  async news(): Promise<string[]> {
    const lines: string[] = [];
    for (const reader of USERS) {
      let token: string | undefined;
      do {
        const page = await this.reading.page(reader, 3, token);
        lines.push(...page.events.map((e) => `${reader} ${e.type} ${e.author} ${e.url} ${e.id}`));
        token = page.nextToken ?? undefined;
      } while (token);
    }
    return lines;
  }

  /** What must never be seen: an add or update of a link now private or gone, or news of someone unfollowed. */
  async leaks(): Promise<string[]> {
    return (await this.news()).filter((line) => {
      const [reader, , author] = line.split(' ');
      return this.hidden(line) || !this.follows.has(`${reader} ${author}`);
    });
  }

  /** Whether a news line is an add or update of a link private or gone now. */
  private hidden(line: string): boolean {
    const [, type, author, url] = line.split(' ');
    const link = this.links.get(`${author} ${url}`);
    return type !== 'link_deleted' && (!link || link.private);
  }

  /**
   * Reads the reader's news as the API shows it, whatever is still pending, and keeps any add or update of a link
   * private or gone now that it shows (news of someone just unfollowed may still show until the sweep runs).
   */
  private async readShown(reader: string): Promise<void> {
    let token: string | undefined;
    do {
      const page = await this.shown.page(reader, 3, token);
      const lines = page.events.map((e) => `${reader} ${e.type} ${e.author} ${e.url} ${e.id}`);
      this.leaksShown.push(...lines.filter((line) => this.hidden(line)));
      token = page.nextToken ?? undefined;
    } while (token);
  }

  private async deliver(pick: number, duplicate: boolean, crashAfter: number | null): Promise<void> {
    if (this.pending.length === 0) return;
    const [delivery] = duplicate
      ? [this.pending[pick % this.pending.length]!]
      : this.pending.splice(pick % this.pending.length, 1);
    this.fuse = crashAfter ?? Infinity;
    try {
      await this.handle(delivery!);
    } catch (error) {
      if (!(error instanceof Crash)) throw error;
      // Not acknowledged: the stream or queue delivers it again.
      if (!duplicate) this.pending.push(delivery!);
    } finally {
      this.fuse = Infinity;
    }
  }

  private async handle(delivery: Delivery): Promise<void> {
    switch (delivery.kind) {
      case 'links stream':
        for (const change of feedChangesFor(delivery.change)) await this.fanOut.run(change);
        return;
      case 'continuation':
        return this.fanOut.run(delivery.continuation.change, delivery.continuation.after);
      case 'feed write':
        await this.writer.apply(delivery.write);
        return;
      case 'social stream':
        if (delivery.followed) await this.writer.followed(delivery.reader, delivery.author);
        else await this.writer.unfollowed(delivery.reader, delivery.author);
        return;
    }
  }

  private followersOf(author: string, after: { since: string; username: string } | undefined, size: number) {
    const all = [...this.follows.entries()]
      .filter(([key]) => key.endsWith(` ${author}`))
      .map(([key, since]) => ({ username: key.split(' ')[0]!, since }))
      .sort((a, b) =>
        a.since === b.since ? a.username.localeCompare(b.username) : b.since.localeCompare(a.since),
      );
    // Like a query's ExclusiveStartKey: the page starts after the position, whether or not that follow remains.
    const rest = after
      ? all.filter((r) => r.since < after.since || (r.since === after.since && r.username > after.username))
      : all;
    const readers = rest.slice(0, size);
    const last = readers.at(-1);
    return {
      readers,
      ...(rest.length > size && last ? { next: { since: last.since, username: last.username } } : {}),
    };
  }

  private recentPublic(author: string, count: number) {
    return [...this.links.values()]
      .filter((link) => link.username === author && !link.private)
      .sort((a, b) => b.created_at.localeCompare(a.created_at))
      .slice(0, count)
      .map((link) => ({
        url: link.url,
        title: link.title,
        publishedAt: link.published_at!,
        revision: linkRevision(link.created_at, link.version),
      }));
  }
}

/** The registry of large authors in memory, each change one step (where a crash may strike). */
class MemoryLargeAuthors implements LargeAuthorRegistry {
  private readonly listed = new Map<string, LargeAuthor>();

  constructor(private readonly step: () => void) {}

  async list(): Promise<LargeAuthor[]> {
    return [...this.listed.values()];
  }

  async enlist(author: string, max: number, at: string): Promise<boolean> {
    this.step();
    if (!this.listed.has(author) && this.listed.size >= max) return false;
    this.listed.set(author, { author, listedAt: at });
    return true;
  }

  async end(author: string, at: string): Promise<void> {
    this.step();
    const listing = this.listed.get(author);
    if (listing && listing.endedAt === undefined) this.listed.set(author, { ...listing, endedAt: at });
  }

  async drop(author: string, endedAt: string): Promise<void> {
    this.step();
    if (this.listed.get(author)?.endedAt === endedAt) this.listed.delete(author);
  }
}

const user = fc.nat({ max: USERS.length - 1 });
const link = fc.nat({ max: 2 });
const worldOp = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('add' as const), user, link, private: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('edit' as const), user, link, title: fc.nat({ max: 3 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('setPrivate' as const), user, link, private: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('check' as const), user, link }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), user, link }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('follow' as const), user, other: user }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('unfollow' as const), user, other: user }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('read' as const), user }) },
);
const crashAfter = fc.option(fc.nat({ max: 6 }), { freq: 3 });
const deliverOp = fc.record({
  op: fc.constant('deliver' as const),
  pick: fc.nat(),
  duplicate: fc.boolean(),
  crashAfter,
});

/** Link operations and follows among three users, interleaved with deliveries. */
export const newsOperations: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof({ weight: 3, arbitrary: worldOp }, { weight: 4, arbitrary: deliverOp }),
  { minLength: 20, maxLength: 120, size: 'max' },
);
/** Which pending deliveries run first when the world settles, and where they crash. */
export const settleOrders = fc.array(fc.record({ pick: fc.nat(), crashAfter }), {
  maxLength: 200,
  size: 'max',
});

/** A case for the property: its operations and settle order, as fast-check prints a counterexample. */
export type NewsCase = [Op[], typeof settleOrders extends fc.Arbitrary<infer Order> ? Order : never];

/**
 * Cases the hybrid property once failed on, run before the generated ones. Cat adds a link, makes it private and
 * public again while nobody follows her; then ann and bob follow, she becomes large, and the retraction reaches
 * her timeline after the re-publication was delivered unrecorded: the timeline's older tombstone must not hide
 * the backfilled link.
 */
export const HYBRID_CASES: NewsCase[] = [
  [
    [
      { op: 'add', user: 2, link: 0, private: false },
      { op: 'setPrivate', user: 2, link: 0, private: true },
      { op: 'setPrivate', user: 2, link: 0, private: false },
      { op: 'deliver', pick: 89144354, duplicate: false, crashAfter: null },
      { op: 'deliver', pick: 0, duplicate: false, crashAfter: null },
      { op: 'deliver', pick: 0, duplicate: true, crashAfter: null },
      { op: 'deliver', pick: 0, duplicate: true, crashAfter: null },
      { op: 'edit', user: 0, link: 0, title: 0 },
      { op: 'deliver', pick: 0, duplicate: true, crashAfter: null },
      { op: 'deliver', pick: 0, duplicate: true, crashAfter: null },
      { op: 'setPrivate', user: 0, link: 0, private: false },
      { op: 'unfollow', user: 0, other: 0 },
      { op: 'follow', user: 0, other: 2 },
      { op: 'follow', user: 1, other: 2 },
      ...Array.from(
        { length: 9 },
        () => ({ op: 'deliver', pick: 0, duplicate: false, crashAfter: null }) as const,
      ),
      { op: 'follow', user: 0, other: 0 },
    ],
    [],
  ],
];

/**
 * Runs the operations twice over fresh stores: once with deliveries as the operations say, then settled in
 * the given order; once with every delivery made at once, in order, exactly once, every author pushed. The
 * settled news must be the same, event for event and in the same order, and neither may show what it must not.
 * With `large`, the first world is the hybrid: authors whose followers pass its bounds are read at news time,
 * so that authors cross them both ways as follows come and go. With `graph`, both worlds keep their follows there.
 */
export async function expectConvergence(
  makeStore: (step: () => void) => FeedStore,
  operations: Op[],
  settle: { pick: number; crashAfter: number | null }[],
  options: WorldOptions = {},
): Promise<void> {
  const world = new NewsWorld(makeStore, options);
  for (const op of operations) await world.apply(op);
  await world.settle(settle);

  const inOrder = new NewsWorld(makeStore, options.graph ? { graph: options.graph } : {});
  for (const op of operations) {
    if (op.op === 'deliver') continue;
    await inOrder.apply(op);
    await inOrder.settle();
  }

  expect(await world.news()).toEqual(await inOrder.news());
  expect(await world.leaks()).toEqual([]);
  expect(await inOrder.leaks()).toEqual([]);
  expect(world.leaksShown).toEqual([]);
}
