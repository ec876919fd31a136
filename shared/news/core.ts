import * as z from 'zod';
import type { PageTokens } from '../pagination.ts';
import { FEED_RETENTION_DAYS, type FeedChange, type LinkEvent } from './model.ts';
import type {
  FeedQueue,
  FeedStore,
  FeedWrite,
  FollowCheck,
  FollowerDirectory,
  RecentLinks,
} from './ports.ts';
import type { FollowPosition } from '../social/model.ts';

/** Followers read per fan-out step: one Lambda invocation never walks an unbounded list. */
export const FOLLOWER_PAGE_SIZE = 1000;
/** Followers per feed-write message: four BatchWriteItem calls of 25. */
export const FOLLOWERS_PER_MESSAGE = 100;
/** Events a new follower receives from the followed user's recent links. */
export const BACKFILL_EVENTS = 20;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Copies each link event into its author's followers' feeds, one page of followers at a time. */
export class FanOut {
  constructor(
    private readonly followers: FollowerDirectory,
    private readonly queue: FeedQueue,
    private readonly pageSize = FOLLOWER_PAGE_SIZE,
    private readonly followersPerMessage = FOLLOWERS_PER_MESSAGE,
  ) {}

  /** Sends the feed writes for one page of followers, then, if more follow, a continuation for the rest. */
  async run(change: FeedChange, after?: FollowPosition): Promise<void> {
    const author = change.kind === 'publish' ? change.event.author : change.author;
    const page = await this.followers.followers(author, after, this.pageSize);
    const writes: FeedWrite[] = [];
    for (let i = 0; i < page.usernames.length; i += this.followersPerMessage) {
      writes.push({ change, followers: page.usernames.slice(i, i + this.followersPerMessage) });
    }
    if (writes.length > 0) await this.queue.sendFeedWrites(writes);
    // Writes first: if the continuation is lost to a crash, the retried step resends the same (idempotent) writes.
    if (page.next) await this.queue.sendContinuation({ change, after: page.next });
  }
}

/**
 * How long after an unfollow the second sweep runs: well past the time a fanned-out event spends in the
 * pipeline (seconds), short enough that a stray entry does not linger.
 */
export const UNFOLLOW_SWEEP_DELAY_SECONDS = 60;

/** Applies feed writes, and follow and unfollow, to readers' feeds. */
export class FeedWriter {
  constructor(
    private readonly feeds: FeedStore,
    private readonly links: RecentLinks,
    private readonly follows: FollowCheck,
    private readonly queue: Pick<FeedQueue, 'sendFeedWrites'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async apply(write: FeedWrite): Promise<void> {
    const { change } = write;
    if (change.kind === 'retract') {
      for (const reader of write.followers)
        await this.feeds.removeByAuthor(reader, change.author, change.url);
      return;
    }
    if (change.kind === 'unfollowed') {
      for (const reader of write.followers) {
        if (!(await this.follows.isFollowing(reader, change.author))) {
          await this.feeds.removeByAuthor(reader, change.author);
        }
      }
      return;
    }
    if (!this.fresh(change.event)) return;
    await this.feeds.putAll(write.followers.map((reader) => ({ reader, event: change.event })));
  }

  /** A new follower gets the followed user's recent public links. */
  async followed(reader: string, author: string): Promise<void> {
    const events = (await this.links.recentPublicEvents(author, BACKFILL_EVENTS)).filter((e) =>
      this.fresh(e),
    );
    await this.feeds.putAll(events.map((event) => ({ reader, event })));
  }

  /**
   * After unfollowing, none of the author's events remain in the reader's feed: they are removed now, and
   * once more a minute later, for events that were already on their way.
   */
  async unfollowed(reader: string, author: string): Promise<void> {
    await this.feeds.removeByAuthor(reader, author);
    await this.queue.sendFeedWrites(
      [{ change: { kind: 'unfollowed', author }, followers: [reader] }],
      UNFOLLOW_SWEEP_DELAY_SECONDS,
    );
  }

  private fresh(event: LinkEvent): boolean {
    return Date.parse(event.timestamp) > this.now().getTime() - FEED_RETENTION_DAYS * DAY_MS;
  }
}

export interface NewsPage {
  events: LinkEvent[];
  nextToken: string | null;
}

const LIST_NAME = 'news';
const feedPosition = z.object({ timestamp: z.string(), id: z.string() });

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
    const events = await this.feeds.page(reader, after, limit + 1);
    const page = events.slice(0, limit);
    const last = page.at(-1);
    return {
      events: page,
      nextToken:
        events.length > limit && last
          ? await this.pageTokens.seal(LIST_NAME, reader, { timestamp: last.timestamp, id: last.id })
          : null,
    };
  }
}
