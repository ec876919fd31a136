import type { Follow, FollowCounts, FollowPosition } from './model.ts';

export interface FollowPage {
  follows: Follow[];
  hasMore: boolean;
}

/** The social graph's storage. Each edge is written once, with its counters, in one transaction. */
export interface FollowStore {
  /** False when the edge already exists. */
  add(follow: Follow): Promise<boolean>;
  /** False when there was no such edge. */
  remove(follower: string, followed: string): Promise<boolean>;
  /** Whom `follower` follows, newest first. */
  following(follower: string, after: FollowPosition | undefined, pageSize: number): Promise<FollowPage>;
  /** Who follows `followed`, newest first. */
  followers(followed: string, after: FollowPosition | undefined, pageSize: number): Promise<FollowPage>;
  counts(username: string): Promise<FollowCounts>;
}

/** Whether a user exists: implemented by the users context. */
export interface UserDirectory {
  exists(username: string): Promise<boolean>;
}
