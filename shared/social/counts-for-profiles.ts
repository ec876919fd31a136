import type { SocialCounts } from '../users/ports.ts';
import { DynamoFollowStore } from './dynamodb.ts';
import type { FollowCounts } from './model.ts';
import type { FollowStore } from './ports.ts';

const NO_FOLLOWS: FollowCounts = { followers: 0, following: 0 };

/**
 * Follower and following counts as the users context's profiles show them. The social context owns them: its
 * table keeps one counters item per user (`pk = USER#<username>, sk = COUNTERS` with `followers_count` and
 * `following_count`), updated in the same transaction as each follow edge. Without a store there is no graph
 * to count, and every count is 0.
 */
export class CountsForProfiles implements SocialCounts {
  constructor(private readonly follows: Pick<FollowStore, 'counts'> | undefined) {}

  async counts(username: string): Promise<FollowCounts> {
    return this.follows ? this.follows.counts(username) : { ...NO_FOLLOWS };
  }
}

/**
 * The counts over the social table. A function that the wiring gives no social table (no SOCIAL_TABLE in its
 * environment) has no graph to count, which is the truth for a deployment without one.
 */
export function countsForProfiles(env: NodeJS.ProcessEnv = process.env): CountsForProfiles {
  const table = env.SOCIAL_TABLE;
  return new CountsForProfiles(table ? new DynamoFollowStore(table) : undefined);
}
