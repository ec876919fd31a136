import * as z from '../zod.ts';
import type { PageTokens } from '../pagination.ts';
import type { FollowPosition } from '../social/model.ts';
import {
  FEED_RETENTION_DAYS,
  feedGroupOf,
  linkEvent,
  timeKeyOf,
  type FeedChange,
  type LinkEvent,
  type LinkRevision,
  type Reader,
} from './model.ts';
import type { FeedWrite } from './messages.ts';
import type {
  Audiences,
  FeedEvent,
  FeedQueue,
  FeedSlot,
  FeedStore,
  FollowCheck,
  FollowerDirectory,
  LargeAuthor,
  LargeAuthorRegistry,
  LinkRef,
  LinkVisibility,
  RecentLinks,
  SlotEntry,
  SlotState,
  SlotTombstone,
} from './ports.ts';

/** Followers read per fan-out step: one Lambda invocation never walks an unbounded list. */
const FOLLOWER_PAGE_SIZE = 1000;
/** Followers per feed-write message. */
const FOLLOWERS_PER_MESSAGE = 100;
/** Events a new follower receives from the followed user's recent links. */
const BACKFILL_EVENTS = 20;

const DAY_SECONDS = 24 * 60 * 60;

/** Copies each link change to its author's followers, one page of followers at a time. */
export class FanOut {
  constructor(
    private readonly followers: FollowerDirectory,
    private readonly queue: FeedQueue,
    private readonly pageSize = FOLLOWER_PAGE_SIZE,
    private readonly followersPerMessage = FOLLOWERS_PER_MESSAGE,
    /** Without it every author is pushed (the pure push model, which tests compare the hybrid with). */
    private readonly largeAudiences?: LargeAudiences,
  ) {}

  /**
   * Sends the feed writes for one page of followers, then, if more follow, a continuation for the rest. The
   * first step records the change in the author's timeline and sends nothing if the author's audience is large.
   */
  async run(change: FeedChange, after?: FollowPosition): Promise<void> {
    if (!after && this.largeAudiences) {
      const audience = await this.largeAudiences.audienceOf(authorOf(change));
      if (audience === 'nobody') return;
      await this.largeAudiences.record(change);
      if (audience === 'large') return;
    }
    await this.send(change, await this.followers.followers(authorOf(change), after, this.pageSize));
  }

  /**
   * A runner for the changes of one stream batch that reads each author's first page of followers once, however
   * many of their changes the batch holds: an erased account's thousands of deletions, for one, cost one read.
   * Sound because every change of the batch happened before that read: a follower who came later receives none
   * of them anyway (the writer gives an event only to those who followed before it), and one who left since is
   * swept by the writer's check after each write. A failed read is not kept, so the next change reads again.
   */
  forBatch(): (change: FeedChange) => Promise<void> {
    const firstPages = new Map<string, Promise<FollowerPage>>();
    const audiences = new Map<string, Promise<Audience>>();
    return async (change) => {
      const author = authorOf(change);
      if (this.largeAudiences) {
        let audience = audiences.get(author);
        if (!audience) {
          audience = this.largeAudiences.audienceOf(author);
          audiences.set(author, audience);
          audience.catch(() => audiences.delete(author));
        }
        if ((await audience) === 'nobody') return;
        await this.largeAudiences.record(change);
        if ((await audience) === 'large') return;
      }
      let page = firstPages.get(author);
      if (!page) {
        page = this.followers.followers(author, undefined, this.pageSize);
        firstPages.set(author, page);
        page.catch(() => firstPages.delete(author));
      }
      await this.send(change, await page);
    };
  }

  private async send(change: FeedChange, page: FollowerPage): Promise<void> {
    // Each message holds readers of one group: the group's writer is the only one that writes their feeds.
    const byGroup = new Map<string, Reader[]>();
    for (const reader of page.readers) {
      const group = feedGroupOf(reader.username);
      const readers = byGroup.get(group);
      if (readers) readers.push(reader);
      else byGroup.set(group, [reader]);
    }
    const writes: FeedWrite[] = [];
    for (const [group, readers] of byGroup) {
      for (let i = 0; i < readers.length; i += this.followersPerMessage) {
        writes.push({ group, change, readers: readers.slice(i, i + this.followersPerMessage) });
      }
    }
    // The continuation first, so that the next page's step runs while this page's writes are being sent: the
    // steps of a large audience follow one another, and each waits only for the one before to read its page. A
    // crash before the writes are sent retries the step, which sends the continuation again: the rest of the
    // fan-out then runs twice, and its writes, being idempotent, land once.
    if (page.next) await this.queue.sendContinuation({ change, after: page.next });
    if (writes.length > 0) await this.queue.sendFeedWrites(writes);
  }
}

type FollowerPage = Awaited<ReturnType<FollowerDirectory['followers']>>;

const authorOf = (change: FeedChange) => (change.kind === 'publish' ? change.event.author : change.author);

const SLOT_OF: Record<LinkEvent['type'], FeedSlot> = {
  link_added: 'added',
  link_updated: 'updated',
  link_deleted: 'deleted',
};

/** The slots that a retraction or a deletion hides: what followers saw of the link while it was public. */
const HIDDEN_SLOTS: FeedSlot[] = ['added', 'updated'];

/**
 * The order of entries in one slot: the follow under which the entry came (a later follow wins, so that a
 * delivery from an ended follow never displaces the current one's), then the link's revision, then the source
 * (a fanned-out event outranks a backfilled one of the same revision, so that both end alike).
 */
function entryOrder(followedSince: string, revision: LinkRevision, backfilled: boolean): string {
  return `${followedSince}#${revision}#${backfilled ? 0 : 1}`;
}

/**
 * Applies link changes, follows and unfollows to readers' feeds so that the settled feeds do not depend on the
 * order, duplication or concurrency of deliveries, nor on a crash between any two steps.
 *
 * The feed does not record deliveries; it holds state that every delivery moves forward only:
 * - Each link has three slots in a reader's feed (added, updated, deleted). A slot is one item, and every
 *   write to it moves it forward by the slot rules (slot-rules.ts), applied atomically: by a conditional write,
 *   or by the one writer of the reader's feed (shared/news/dynamodb.ts). An entry lands only over an absent or
 *   lower-ordered one (see entryOrder), so two deliveries end as the later change would, whichever comes first,
 *   and a duplicate is a no-op.
 * - Turning a link private, or deleting it, hides its added and updated slots up to that revision: the slot
 *   keeps the highest hidden revision, and its entry goes if older. An add or update of that link delayed in
 *   a queue is older than the hidden revision and cannot land; a link made public again has a higher
 *   revision and can. So no feed holds an add or update of a link that is now private or deleted once the
 *   retraction has been applied, in whatever order the rest arrives.
 * - Entries remember the follow under which they came. An unfollow sweeps the entries of that follow and
 *   older ones. A write that was on its way asks after it lands whether that follow has ended (strongly
 *   consistent: FollowCheck), and sweeps the same way if it has. Either the unfollow's
 *   sweep sees the entry, or the writer sees the unfollow: nothing is left behind, and no timer is needed.
 * - A reader gets an entry only for events that happened while they followed; what happened before comes from
 *   the backfill of recent links when they follow, dated as the fan-out dates them (link_added by the time
 *   the link became public), so both paths make the same entry.
 * test/unit/news/feed-convergence.test.ts generates operations and deliveries in every order, duplicated and
 * crashed midway, and compares the settled feeds with in-order delivery.
 */
export class FeedWriter {
  constructor(
    private readonly feeds: FeedStore,
    private readonly links: RecentLinks,
    private readonly follows: FollowCheck,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Applies a feed write; answers how many entries it wrote into readers' feeds. */
  async apply({ change, readers }: { change: FeedChange; readers: Reader[] }): Promise<number> {
    if (change.kind === 'retract') {
      await this.feeds.hide(readers.flatMap((reader) => this.tombstones(reader.username, change)));
      return 0;
    }
    const { event, revision } = change;
    if (event.type === 'link_deleted') {
      const link = { author: event.author, url: event.url, revision };
      await this.feeds.hide(readers.flatMap((reader) => this.tombstones(reader.username, link)));
    }
    // Only readers who followed when it happened get the event; earlier followers' feeds are the backfill's.
    const receiving = readers.filter((reader) => reader.since < event.timestamp);
    const entries = receiving
      .map((reader) => this.entry(reader, event, revision, false))
      .filter((entry) => entry !== undefined);
    await this.feeds.writeEntries(entries);
    // The fan-out read these follows after the event: each held then, as far as the followers index knew.
    await this.sweepUnfollowed(event.author, receiving, event.timestamp);
    return entries.length;
  }

  /**
   * A new follower gets the followed user's recent public links, as they are now; answers how many entries it
   * wrote into their feed.
   */
  async followed(reader: Reader, author: string): Promise<number> {
    const recent = await this.links.recentPublic(author, BACKFILL_EVENTS);
    const entries = recent
      .map((link) =>
        this.entry(
          reader,
          linkEvent('link_added', author, link.url, link.title, link.publishedAt),
          link.revision,
          true,
        ),
      )
      .filter((entry) => entry !== undefined);
    await this.feeds.writeEntries(entries);
    await this.sweepUnfollowed(author, [reader], reader.since);
    return entries.length;
  }

  /** After unfollowing, none of the author's entries of that follow (or older ones) remain in the feed. */
  async unfollowed(reader: Reader, author: string): Promise<void> {
    await this.feeds.removeFollowedUntil(reader.username, author, reader.since);
  }

  /**
   * Readers who no longer follow the author under the follow the entries came with lose that follow's
   * entries: those just written, and any that an earlier, crashed attempt left.
   */
  private async sweepUnfollowed(author: string, readers: Reader[], aliveAt: string): Promise<void> {
    if (readers.length === 0) return;
    const ended = await this.follows.ended(author, readers, aliveAt);
    for (const reader of readers) {
      if (ended.has(reader.username))
        await this.feeds.removeFollowedUntil(reader.username, author, reader.since);
    }
  }

  private entry(
    reader: Reader,
    event: LinkEvent,
    revision: LinkRevision,
    backfilled: boolean,
  ): SlotEntry | undefined {
    const expiresAtEpoch = Math.floor(Date.parse(event.timestamp) / 1000) + FEED_RETENTION_DAYS * DAY_SECONDS;
    if (expiresAtEpoch * 1000 <= this.now().getTime()) return undefined;
    return {
      reader: reader.username,
      author: event.author,
      url: event.url,
      slot: SLOT_OF[event.type],
      event,
      revision,
      followedSince: reader.since,
      order: entryOrder(reader.since, revision, backfilled),
      expiresAtEpoch,
    };
  }

  /** A tombstone outlives every entry it hides: those are older, and expire 90 days after their own events. */
  private tombstones(
    reader: string,
    link: { author: string; url: string; revision: LinkRevision },
  ): SlotTombstone[] {
    const expiresAtEpoch = Math.floor(this.now().getTime() / 1000) + FEED_RETENTION_DAYS * DAY_SECONDS;
    return HIDDEN_SLOTS.map((slot) => ({
      reader,
      author: link.author,
      url: link.url,
      slot,
      revision: link.revision,
      expiresAtEpoch,
    }));
  }
}

export interface NewsPage {
  events: LinkEvent[];
  nextToken: string | null;
}

const LIST_NAME = 'news';
/** A page token holds the time key of the last event examined: every source of the merge resumes below it. */
const newsPosition = z.object({ time: z.string() });

/** What the news of readers following large authors reads besides their own feeds. */
export interface LargeAuthorReads {
  timelines: Pick<FeedStore, 'newest' | 'slotStates'>;
  registry: Pick<LargeAuthorRegistry, 'list'>;
  audiences: Pick<Audiences, 'followsOf'>;
}

/**
 * A reader's news, newest first: their pushed feed merged with the timelines of the large authors they follow.
 *
 * For a large author followed since S, the timeline is the truth: it holds each of the author's slots as a
 * follower since forever would, so its events after S are exactly what the push would have given this reader,
 * whichever of them were pushed. The feed keeps what only the follow could give: its backfill, dated S or
 * before, shown while the timeline's slot still holds that event, or was never written (an imported link is
 * backfilled but never fanned out): not once a retraction or deletion hid it, nor a later event replaced it. Entries of the author after S in the feed were pushed before the author became
 * large (or after it ended) and are the timeline's already: skipped. An event in two sources has one time key,
 * so it is shown once.
 *
 * Privacy does not wait for the pipeline: a feed or timeline drops the adds and updates of a link made private or
 * deleted once the retraction reaches it, a moment (or, with a backlog, minutes) after the write. So the links
 * behind a page's link_added and link_updated events are read again, strongly consistent, and the events of
 * those no longer public are left out at once: the page may then hold fewer events than asked for, its token
 * resuming below the last event examined. A link_deleted event stays: it is only fanned out for a link public
 * when it went.
 *
 * Cost of a page: 1 Query of the feed, 1 GetItem of the registry (or none, while the instance's copy is fresh: see
 * CachedLargeAuthorList), and, when the reader follows some of the k
 * listed authors, 1 BatchGetItem of those follow edges, k Queries of their timelines and at most 1 BatchGetItem of
 * the timeline slots of the page's backfilled entries; and, at the same time as that last one, 1 BatchGetItem of
 * the links behind the page's adds and updates (the first `limit` events of the merge, and as many more as there
 * are backfilled entries that could drop out: more than 100 keys, two calls, only for a limit near 100 with
 * backfilled entries). k <= LARGE_AUTHORS_MAX, however many the reader follows.
 * Each source is read `limit + 1` deep below the token's time key; events are handed out only down to the
 * highest point where a source stopped short, so a source's unread events are never skipped.
 */
export class News {
  constructor(
    private readonly feeds: FeedStore,
    private readonly pageTokens: PageTokens,
    private readonly links: LinkVisibility,
    private readonly large?: LargeAuthorReads,
  ) {}

  async page(reader: string, limit: number, startToken?: string): Promise<NewsPage> {
    const below = startToken
      ? (await this.pageTokens.open(startToken, LIST_NAME, reader, newsPosition)).time
      : undefined;
    const depth = limit + 1;
    const [feed, largeFollows] = await Promise.all([
      this.feeds.newest(reader, { below }, depth),
      this.largeFollows(reader),
    ]);
    const timelines = await Promise.all(
      [...largeFollows].map(([author, since]) =>
        // The events after the follow began: what the follow received as they happened.
        this.large!.timelines.newest(author, { below, above: `${since}#~` }, depth),
      ),
    );
    const sources = [feed, ...timelines];
    // Below the highest point where a source was cut short, its unread events could come first: stop there.
    const floor = sources
      .filter((events) => events.length === depth)
      .map((events) => timeKeyOf(events.at(-1)!))
      .reduce<string | undefined>((high, key) => (high === undefined || key > high ? key : high), undefined);
    const { kept, backfilled } = this.feedOfLargeAuthors(feed, largeFollows);
    const merged = (feedEvents: FeedEvent[]) => mergeByTime([...feedEvents, ...timelines.flat()], floor);
    const withAllKept = merged(kept);
    // Only backfilled entries may still drop out of the merge, so the page is among the first `limit` +
    // backfilled events of the merge with all of them: their links are read at the same time as the slots.
    const [superseded, publicNow] = await Promise.all([
      this.superseded(backfilled),
      this.publicNow(withAllKept.slice(0, limit + backfilled.length)),
    ]);
    const events =
      superseded.size === 0 ? withAllKept : merged(kept.filter((event) => !superseded.has(event)));
    const examined = events.slice(0, limit);
    // Resume below the last event examined, or, on a page cut short by skipped entries, below the floor.
    const resumeAt = events.length > limit ? timeKeyOf(examined.at(-1)!) : floor;
    return {
      // Less the adds and updates of links that are private or gone now (see the class).
      events: examined.filter((event) => event.type === 'link_deleted' || publicNow.has(linkRefKey(event))),
      nextToken:
        resumeAt === undefined ? null : await this.pageTokens.seal(LIST_NAME, reader, { time: resumeAt }),
    };
  }

  /** Which of the links behind the events' adds and updates are public now, as keys (linkRefKey). */
  private async publicNow(events: LinkEvent[]): Promise<Set<string>> {
    const asked = events
      .filter((event) => event.type !== 'link_deleted')
      .map(({ author, url }) => ({ author, url }));
    if (asked.length === 0) return new Set();
    return new Set((await this.links.publicOf(asked)).map(linkRefKey));
  }

  /** The listed large authors the reader follows, with since when. */
  private async largeFollows(reader: string): Promise<Map<string, string>> {
    if (!this.large) return new Map();
    const listed = await this.large.registry.list();
    if (listed.length === 0) return new Map();
    return this.large.audiences.followsOf(
      reader,
      listed.map((large) => large.author),
    );
  }

  /**
   * The feed's events, less those of large authors that their timelines cover (`kept`), and of those the
   * backfilled ones, which stay only while their timeline slots hold them (`superseded`).
   */
  private feedOfLargeAuthors(feed: FeedEvent[], largeFollows: Map<string, string>) {
    const kept: FeedEvent[] = [];
    const backfilled: FeedEvent[] = [];
    for (const event of feed) {
      const since = largeFollows.get(event.author);
      if (since === undefined) kept.push(event);
      else if (event.timestamp <= since) {
        kept.push(event);
        backfilled.push(event);
      }
    }
    return { kept, backfilled };
  }

  /**
   * The backfilled entries (events from before a large author's follow) that go: those whose timeline slot knows
   * of a later change, hidden at the entry's revision or later, or holding a later revision. The timeline may lag
   * behind the backfill (a change delivered while the author had no follower is not recorded, and its retraction
   * may come later): an older slot says nothing about a newer entry.
   */
  private async superseded(backfilled: FeedEvent[]): Promise<Set<FeedEvent>> {
    if (backfilled.length === 0) return new Set();
    const states = await this.large!.timelines.slotStates(
      backfilled.map((event) => ({
        reader: event.author,
        author: event.author,
        url: event.url,
        slot: SLOT_OF[event.type],
      })),
    );
    return new Set(backfilled.filter((event, i) => knowsLater(states[i], event)));
  }
}

/**
 * The events newest first, one per time key (an event in two sources has one), down to `floor` when a source
 * was cut short there.
 */
function mergeByTime(sources: FeedEvent[], floor: string | undefined): LinkEvent[] {
  const byTime = new Map<string, LinkEvent>();
  for (const { revision: _revision, ...event } of sources) {
    const key = timeKeyOf(event);
    if (floor === undefined || key >= floor) byTime.set(key, event);
  }
  return [...byTime.entries()].sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0)).map(([, event]) => event);
}

/** A link's key in a set: its author and URL (a username holds no newline). */
const linkRefKey = (link: LinkRef) => `${link.author}\n${link.url}`;

/** Whether a timeline slot knows of a change of its link later than `event`'s (see News.superseded). */
function knowsLater(slot: SlotState | undefined, event: FeedEvent): boolean {
  if (!slot) return false;
  if (slot.eventId === event.id) return false;
  return (
    (slot.hiddenRevision !== undefined && slot.hiddenRevision >= event.revision) ||
    (slot.revision !== undefined && slot.revision > event.revision)
  );
}

type Audience = 'nobody' | 'large' | 'pushed';

/** The most authors read at news time (k): a news page costs at most 1 + k Queries. */
export const LARGE_AUTHORS_MAX = 20;
/** A large author stays large until their followers fall below this share of the threshold. */
const STAYS_LARGE_FRACTION = 0.9;

/** Follower counts that move an author in and out of the large ones. */
export interface AudienceBounds {
  /** An author with more followers than this becomes large. */
  largeAbove: number;
  /** A large author with at least this many followers stays large. */
  staysLargeFrom: number;
}

/** Large above the threshold, and large still down to 90% of it. */
export const audienceBounds = (threshold: number): AudienceBounds => ({
  largeAbove: threshold,
  staysLargeFrom: Math.ceil(threshold * STAYS_LARGE_FRACTION),
});
/**
 * A listing ended this long ago covers no event in any feed any more: every entry written before the end expires
 * FEED_RETENTION_DAYS after its event, and DynamoDB's TTL deletes expired items within days.
 */
const LISTING_OUTLIVES_DAYS = FEED_RETENTION_DAYS + 7;
/** The timeline is the feed of a follower since forever, who never leaves. */
const TIMELINE_SINCE = '';
const NO_BACKFILL: RecentLinks = { recentPublic: async () => [] };

/**
 * Which authors are not fanned out, and the timelines that their followers read instead.
 *
 * Every change of every author with followers is recorded once in the author's timeline (a feed with the same slots and
 * conditional writes as a reader's: see FeedWriter), so that when an author becomes large their timeline already
 * holds what their followers saw. An author becomes large at the fan-out of a change when their follower count
 * is above the threshold: the registry lists them first, then the change is not pushed; they stay large until the
 * count falls below 90% of the threshold (no flapping around it), when the listing records its end and pushing
 * resumes. Readers keep merging the timeline of an author whose listing ended until nothing skipped can still be
 * in news (90 days): so no event is ever only in a feed that was not written. The registry holds at most
 * LARGE_AUTHORS_MAX authors; beyond it, authors are pushed whatever their audience (correct, only costlier).
 */
export class LargeAudiences {
  private readonly timeline: FeedWriter;

  /**
   * `listingTakesEffectMs`: how long a new listing is still pushed, so that every news page reads it before the
   * first change that is not (see CachedLargeAuthorList); 0 where news pages read the registry itself.
   */
  constructor(
    timelines: FeedStore,
    private readonly registry: LargeAuthorRegistry,
    private readonly audiences: Pick<Audiences, 'followerCount'>,
    private readonly bounds: AudienceBounds,
    private readonly now: () => Date = () => new Date(),
    private readonly listingTakesEffectMs = 0,
  ) {
    const forever: FollowCheck = { ended: async () => new Set() };
    this.timeline = new FeedWriter(timelines, NO_BACKFILL, forever, now);
  }

  /** Records the change in its author's timeline. */
  async record(change: FeedChange): Promise<void> {
    await this.timeline.apply({ change, readers: [{ username: authorOf(change), since: TIMELINE_SINCE }] });
  }

  /**
   * Who receives the author's changes now, moving the listing when the audience crossed the threshold: nobody
   * (no follower: nothing is recorded or pushed, so an erased account, whose follows go first, leaves no
   * timeline behind), the large audience (read from the timeline), or followers whose feeds are pushed to.
   */
  async audienceOf(author: string): Promise<Audience> {
    const [followers, listed] = await Promise.all([
      this.audiences.followerCount(author),
      this.registry.list().then((all) => all.find((large) => large.author === author)),
    ]);
    const active = listed !== undefined && listed.endedAt === undefined;
    const now = this.now();
    if (active && followers >= this.bounds.staysLargeFrom)
      return this.inEffect(listed, now) ? 'large' : 'pushed';
    if (
      !active &&
      followers > this.bounds.largeAbove &&
      (await this.registry.enlist(author, LARGE_AUTHORS_MAX, now.toISOString()))
    )
      return this.listingTakesEffectMs === 0 ? 'large' : 'pushed';
    if (active) await this.registry.end(author, now.toISOString());
    else if (
      listed?.endedAt !== undefined &&
      Date.parse(listed.endedAt) + LISTING_OUTLIVES_DAYS * DAY_SECONDS * 1000 < now.getTime()
    )
      await this.registry.drop(author, listed.endedAt);
    return followers === 0 ? 'nobody' : 'pushed';
  }

  private inEffect(listing: LargeAuthor, now: Date): boolean {
    return (
      listing.listedAt === undefined ||
      Date.parse(listing.listedAt) + this.listingTakesEffectMs <= now.getTime()
    );
  }
}

/** How long a news page may use the large authors it read before (per instance). */
export const LARGE_AUTHORS_CACHE_MS = 5000;

/**
 * The registry's listing as news pages read it: read again once `lifetimeMs` have passed since the last read
 * began (the copy is at least as new as that), so that a busy instance reads the hot item a few times a minute
 * rather than on every page. Why a stale copy is sound is written above the feeds table (shared/news/dynamodb.ts);
 * it holds as long as LargeAudiences delays each new listing by at least `lifetimeMs`. A failed read is not kept.
 */
export class CachedLargeAuthorList implements Pick<LargeAuthorRegistry, 'list'> {
  private cached: { readAt: number; listing: Promise<LargeAuthor[]> } | undefined;

  constructor(
    private readonly registry: Pick<LargeAuthorRegistry, 'list'>,
    private readonly now: () => number = () => Date.now(),
    private readonly lifetimeMs = LARGE_AUTHORS_CACHE_MS,
  ) {}

  list(): Promise<LargeAuthor[]> {
    const now = this.now();
    if (this.cached === undefined || now - this.cached.readAt >= this.lifetimeMs) {
      const listing = this.registry.list();
      const cached = { readAt: now, listing };
      this.cached = cached;
      listing.catch(() => {
        if (this.cached === cached) this.cached = undefined;
      });
    }
    return this.cached.listing;
  }
}
