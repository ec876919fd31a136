import type { SocialCounts } from '../users/ports.ts';
import type { FollowCounts } from './model.ts';
import type { FollowStore } from './ports.ts';

/**
 * Follower and following counts as the users context's profiles show them. The social context owns them: its
 * table keeps one counters item per user (`pk = USER#<username>, sk = COUNTERS` with `followers_count` and
 * `following_count`), updated in the same transaction as each follow edge.
 */
export class CountsForProfiles implements SocialCounts {
  constructor(private readonly follows: Pick<FollowStore, 'counts'>) {}

  counts(username: string): Promise<FollowCounts> {
    return this.follows.counts(username);
  }
}
