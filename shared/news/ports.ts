import type { FollowPosition } from '../social/model.ts';
import type { FanOutContinuation, FeedWrite, FollowChange } from './messages.ts';
import type { LinkEvent, LinkRevision, Reader } from './model.ts';

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

/** A link, named by its author and URL. */
export interface LinkRef {
  author: string;
  url: string;
}

/** Which links are public at this moment: implemented by the links context. */
export interface LinkVisibility {
  /** Those of `links` that exist and are public now (a strongly consistent read), as asked, in any order. */
  publicOf(links: LinkRef[]): Promise<LinkRef[]>;
}

/** Whether the follows under which entries came still hold: implemented by the social context. */
export interface FollowCheck {
  /**
   * The readers whose follow of the author, the one begun at their `since`, has ended (a strongly consistent
   * read). `aliveAt`: when each of these follows was known to hold, to within the followers index's lag (the time
   * of the event fanned out to them, or the start of the follow being backfilled): the check may lean on it.
   */
  ended(author: string, readers: Reader[], aliveAt: string): Promise<Set<string>>;
}

/** How large an author's audience is, and whom a reader follows among some authors: the social context. */
export interface Audiences {
  followerCount(author: string): Promise<number>;
  /** Which of `authors` the reader follows now, and since when (a strongly consistent read). */
  followsOf(reader: string, authors: string[]): Promise<Map<string, string>>;
}

/** An author whose events are read from their timeline; `endedAt` once they are pushed again. */
export interface LargeAuthor {
  author: string;
  /** When the listing was made (absent on listings older than the field: long since in effect). */
  listedAt?: string;
  endedAt?: string;
}

/** The authors whose followers read their timeline at news time. */
export interface LargeAuthorRegistry {
  list(): Promise<LargeAuthor[]>;
  /** Lists the author as large (again) from `at`, unless `max` others are listed already: false then. */
  enlist(author: string, max: number, at: string): Promise<boolean>;
  /** The author is pushed again from `at` on; the listing stays while older events of theirs live. */
  end(author: string, at: string): Promise<void>;
  /** Forgets an author whose listing ended at `endedAt` (and not since). */
  drop(author: string, endedAt: string): Promise<void>;
}

/** The queues between fan-out and feed writing. */
export interface FeedQueue {
  sendFeedWrites(writes: FeedWrite[]): Promise<void>;
  sendContinuation(continuation: FanOutContinuation): Promise<void>;
}

/** Follows begun and ended, sent to their readers' feed writers (every write to a feed passes through them). */
export interface FollowChangeQueue {
  sendFollowChanges(changes: FollowChange['follow'][]): Promise<void>;
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

/** Per-reader feeds: each slot an item that every write moves forward only. */
export interface FeedStore {
  /** Writes each entry unless its slot is hidden at its revision or later, or holds a higher order. */
  writeEntries(entries: SlotEntry[]): Promise<void>;
  /** Records each tombstone's revision (the highest wins) and removes the slot's entry if it is older. */
  hide(tombstones: SlotTombstone[]): Promise<void>;
  /** Removes the reader's entries by the author that came under a follow begun at or before `since`. */
  removeFollowedUntil(reader: string, author: string, since: string): Promise<void>;
  /**
   * Events newest first whose time key (`<timestamp>#<event id>`, unique in a feed) lies strictly between
   * `above` and `below` (either open): what the news merge reads of each source. `above` at or over `below` is
   * an empty range, not an error: a page below the start of a follow asks for one.
   */
  newest(reader: string, range: TimeRange, pageSize: number): Promise<FeedEvent[]>;
  /** What each slot holds now, in the order asked (a consistent read); undefined for a slot never written. */
  slotStates(slots: SlotRef[]): Promise<(SlotState | undefined)[]>;
}

/** An event as a feed holds it: with the revision of the link it came from. */
export type FeedEvent = LinkEvent & { revision: LinkRevision };

/**
 * A written slot: the event it holds and that event's revision, if any (none once hidden or replaced and
 * removed), and the revision it is hidden up to, if it ever was.
 */
export interface SlotState {
  eventId?: string;
  revision?: LinkRevision;
  hiddenRevision?: LinkRevision;
}

export interface TimeRange {
  below?: string | undefined;
  above?: string | undefined;
}
