import type { FollowsErasure } from '../users/ports.ts';
import { followPositionSchema } from './model.ts';
import type { DynamoFollowStore } from './dynamodb.ts';

/**
 * The social graph as an account's erasure asks for it: the user's follows both ways, and the end of each through
 * the store's own unfollow, which corrects both users' counters in the same transaction as the edge's delete.
 * The social stream then carries each unfollow to the news context like any other.
 */
export class SocialErasure implements FollowsErasure {
  constructor(
    private readonly store: Pick<DynamoFollowStore, 'following' | 'followers' | 'remove' | 'removeCounters'>,
  ) {}

  async following(username: string, limit: number): Promise<string[]> {
    const page = await this.store.following(username, undefined, limit);
    return page.follows.map((follow) => follow.followed);
  }

  /** The cursor is the last follower's position, as JSON: it never leaves the erasure's queue. */
  async followers(
    username: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ usernames: string[]; next?: string }> {
    const after = cursor === undefined ? undefined : followPositionSchema.parse(JSON.parse(cursor));
    const page = await this.store.followers(username, after, limit);
    const usernames = page.follows.map((follow) => follow.follower);
    const last = page.follows.at(-1);
    return page.hasMore && last
      ? { usernames, next: JSON.stringify({ since: last.since, username: last.follower }) }
      : { usernames };
  }

  unfollow(follower: string, followed: string): Promise<boolean> {
    return this.store.remove(follower, followed);
  }

  forgetCounters(username: string): Promise<void> {
    return this.store.removeCounters(username);
  }
}
