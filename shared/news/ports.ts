import type { FollowPosition } from '../social/model.ts';
import type { FeedChange, LinkEvent } from './model.ts';

/** A page of an author's followers: implemented by the social context. */
export interface FollowerDirectory {
  followers(
    author: string,
    after: FollowPosition | undefined,
    pageSize: number,
  ): Promise<{ usernames: string[]; next?: FollowPosition }>;
}

/** An author's most recent public links, as link_added events: implemented by the links context. */
export interface RecentLinks {
  recentPublicEvents(author: string, count: number): Promise<LinkEvent[]>;
}

export interface FeedWrite {
  change: FeedChange;
  followers: string[];
}

export interface FanOutContinuation {
  change: FeedChange;
  after: FollowPosition;
}

/** Whether one user follows another: implemented by the social context. */
export interface FollowCheck {
  isFollowing(follower: string, followed: string): Promise<boolean>;
}

/** The queues between fan-out and feed writing. */
export interface FeedQueue {
  /** With a delay, the writes are delivered no sooner than that many seconds from now (at most 900). */
  sendFeedWrites(writes: FeedWrite[], delaySeconds?: number): Promise<void>;
  sendContinuation(continuation: FanOutContinuation): Promise<void>;
}

export interface FeedEntry {
  reader: string;
  event: LinkEvent;
}

export interface FeedPosition {
  timestamp: string;
  id: string;
}

/** Per-reader feeds. Entry keys derive from the reader and the event id: writing one twice overwrites it. */
export interface FeedStore {
  putAll(entries: FeedEntry[]): Promise<void>;
  /** Removes the reader's entries by `author`, or only those about `url` when given. */
  removeByAuthor(reader: string, author: string, url?: string): Promise<void>;
  page(reader: string, after: FeedPosition | undefined, pageSize: number): Promise<LinkEvent[]>;
}
