import { DynamoFollowStore } from '../social/dynamodb.ts';
import type { SocialCounts } from './ports.ts';

/**
 * Follower and following counts. The social context owns them: its table keeps one counters item per user
 * (`pk = USER#<username>, sk = COUNTERS` with `followers_count` and `following_count`), updated in the same
 * transaction as each follow edge, and its adapter reads it. A function that the wiring gives no social table
 * (no SOCIAL_TABLE in its environment) has no graph to count: every count is then 0, which is the truth for a
 * deployment without one.
 */
export function socialCounts(env: NodeJS.ProcessEnv = process.env): SocialCounts {
  const table = env.SOCIAL_TABLE;
  if (!table) return { counts: async () => ({ followers: 0, following: 0 }) };
  const store = new DynamoFollowStore(table);
  return { counts: (username) => store.counts(username) };
}
