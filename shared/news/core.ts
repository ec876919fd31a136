import * as z from 'zod';
import type { PageTokens } from '../pagination.ts';
import type { FollowPosition } from '../social/model.ts';
import {
  FEED_RETENTION_DAYS,
  linkEvent,
  type FeedChange,
  type LinkEvent,
  type LinkRevision,
  type Reader,
} from './model.ts';
import type { FeedWrite } from './messages.ts';
import type {
  FeedQueue,
  FeedSlot,
  FeedStore,
  FollowCheck,
  FollowerDirectory,
  RecentLinks,
  SlotEntry,
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
  ) {}

  /** Sends the feed writes for one page of followers, then, if more follow, a continuation for the rest. */
  async run(change: FeedChange, after?: FollowPosition): Promise<void> {
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
    return async (change) => {
      const author = authorOf(change);
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
    const writes: FeedWrite[] = [];
    for (let i = 0; i < page.readers.length; i += this.followersPerMessage) {
      writes.push({ change, readers: page.readers.slice(i, i + this.followersPerMessage) });
    }
    if (writes.length > 0) await this.queue.sendFeedWrites(writes);
    // Writes first: if the continuation is lost to a crash, the retried step resends the same (idempotent) writes.
    if (page.next) await this.queue.sendContinuation({ change, after: page.next });
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
 *   write to it is one conditional write: an entry lands only over an absent or lower-ordered one (see
 *   entryOrder), so two deliveries end as the later change would, whichever comes first, and a duplicate is
 *   a no-op.
 * - Turning a link private, or deleting it, hides its added and updated slots up to that revision: the slot
 *   keeps the highest hidden revision, and its entry goes if older. An add or update of that link delayed in
 *   a queue is older than the hidden revision and cannot land; a link made public again has a higher
 *   revision and can. So no feed holds an add or update of a link that is now private or deleted once the
 *   retraction has been applied, in whatever order the rest arrives.
 * - Entries remember the follow under which they came. An unfollow sweeps the entries of that follow and
 *   older ones. A write that was on its way reads the follow again after it lands (strongly consistent), and
 *   sweeps the same way if the reader no longer follows the author under that follow. Either the unfollow's
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
  async apply({ change, readers }: FeedWrite): Promise<number> {
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
    await this.sweepUnfollowed(event.author, receiving);
    return entries.length;
  }

  /** A new follower gets the followed user's recent public links, as they are now. */
  async followed(reader: Reader, author: string): Promise<void> {
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
    await this.sweepUnfollowed(author, [reader]);
  }

  /** After unfollowing, none of the author's entries of that follow (or older ones) remain in the feed. */
  async unfollowed(reader: Reader, author: string): Promise<void> {
    await this.feeds.removeFollowedUntil(reader.username, author, reader.since);
  }

  /**
   * Readers who no longer follow the author under the follow the entries came with lose that follow's
   * entries: those just written, and any that an earlier, crashed attempt left.
   */
  private async sweepUnfollowed(author: string, readers: Reader[]): Promise<void> {
    if (readers.length === 0) return;
    const current = await this.follows.followedSince(
      readers.map((reader) => reader.username),
      author,
    );
    for (const reader of readers) {
      if (current.get(reader.username) !== reader.since)
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
const feedPosition = z.object({ time: z.string(), key: z.string() });

/** A reader's news, newest first: one query per page. */
export class News {
  constructor(
    private readonly feeds: FeedStore,
    private readonly pageTokens: PageTokens,
  ) {}

  async page(reader: string, limit: number, startToken?: string): Promise<NewsPage> {
    const after = startToken
      ? await this.pageTokens.open(startToken, LIST_NAME, reader, feedPosition)
      : undefined;
    const entries = await this.feeds.page(reader, after, limit + 1);
    const page = entries.slice(0, limit);
    const last = page.at(-1);
    return {
      events: page.map((entry) => entry.event),
      nextToken:
        entries.length > limit && last ? await this.pageTokens.seal(LIST_NAME, reader, last.position) : null,
    };
  }
}
