import { streamHandler } from '../../shared/events/batch.ts';
import { followChangeQueue } from '../../shared/news/service.ts';
import { followChangeFromStreamRecord } from '../../shared/social/stream.ts';

/**
 * The social table's stream: each follow begun or ended goes to the follower's group of feed writes, whose
 * writer gives a new follower recent events and clears an unfollowed author from the feed (writeFeeds).
 */
export const handler = streamHandler(followChangeFromStreamRecord, async (change) => {
  const { follower, followed, since } = change.follow;
  await followChangeQueue().sendFollowChanges([
    { kind: change.kind, reader: { username: follower, since }, author: followed },
  ]);
});
