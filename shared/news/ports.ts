import type { FollowPosition } from '../social/model.ts';
import type { FanOutContinuation, FeedWrite } from './messages.ts';
import type { LinkEvent, Reader } from './model.ts';

/** A page of an author's followers: implemented by the social context. */
export interface FollowerDirectory {
  followers(
    author: string,
    after: FollowPosition | undefined,
    pageSize: number,
  ): Promise<{ readers: Reader[]; next?: FollowPosition }>;
}

/** An author's most recent public links: implemented by the links context. */
export interface RecentLinks {
  recentPublic(author: string, count: number): Promise<RecentLink[]>;
}

export interface RecentLink {
  url: string;
  title: string;
  /** When it became public: what dates its link_added. */
  publishedAt: string;
  /** The link's revision when it was read (see LinkRevision). */
  revision: string;
}

/**
 * Which of the readers follow the author now, and since when (a strongly consistent read): implemented by the
 * social context.
 */
export interface FollowCheck {
  followedSince(readers: string[], author: string): Promise<Map<string, string>>;
}

/** The queues between fan-out and feed writing. */
export interface FeedQueue {
  sendFeedWrites(writes: FeedWrite[]): Promise<void>;
  sendContinuation(continuation: FanOutContinuation): Promise<void>;
}

/**
 * One link holds three slots in a reader's feed, one per event type: the link as added, its latest update, its
 * latest deletion.
 */
export type FeedSlot = 'added' | 'updated' | 'deleted';

/** One slot of one link in one reader's feed. */
export interface SlotRef {
  reader: string;
  author: string;
  url: string;
  slot: FeedSlot;
}

/** An event for a slot, delivered under the reader's follow that began at `followedSince`. */
export interface SlotEntry extends SlotRef {
  event: LinkEvent;
  revision: string;
  followedSince: string;
  /** Entries of a slot are ordered by this (see shared/news/core.ts): a lower one never replaces a higher. */
  order: string;
  /** Epoch seconds after which the item may go (DynamoDB TTL). */
  expiresAtEpoch: number;
}

/** Hides a slot up to a link revision: its entries of lower revisions go, and none of them can land later. */
export interface SlotTombstone extends SlotRef {
  revision: string;
  expiresAtEpoch: number;
}

/** Where a page of news stands: the last entry handed out, opaque to the core. */
export interface FeedPosition {
  time: string;
  key: string;
}

export interface FeedEntryRead {
  event: LinkEvent;
  position: FeedPosition;
}

/** Per-reader feeds: each slot an item that every write moves forward only. */
export interface FeedStore {
  /** Writes each entry unless its slot is hidden at its revision or later, or holds a higher order. */
  writeEntries(entries: SlotEntry[]): Promise<void>;
  /** Records each tombstone's revision (the highest wins) and removes the slot's entry if it is older. */
  hide(tombstones: SlotTombstone[]): Promise<void>;
  /** Removes the reader's entries by the author that came under a follow begun at or before `since`. */
  removeFollowedUntil(reader: string, author: string, since: string): Promise<void>;
  /** Entries, newest first. */
  page(reader: string, after: FeedPosition | undefined, pageSize: number): Promise<FeedEntryRead[]>;
}
