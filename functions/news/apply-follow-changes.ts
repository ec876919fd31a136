import { streamHandler } from '../../shared/events/batch.ts';
import { emit } from '../../shared/metrics.ts';
import { feedWriter } from '../../shared/news/service.ts';
import { followChangeFromStreamRecord } from '../../shared/social/stream.ts';

/**
 * The social table's stream: a new follower gets recent events (entries written into their feed, counted as the
 * fan-out's are); an unfollow clears the author from the feed.
 */
export const handler = streamHandler(followChangeFromStreamRecord, async (change) => {
  const { follower, followed, since } = change.follow;
  const reader = { username: follower, since };
  if (change.kind === 'followed') emit('feedEntriesWritten', await feedWriter().followed(reader, followed));
  else await feedWriter().unfollowed(reader, followed);
});
