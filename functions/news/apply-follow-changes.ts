import { streamHandler } from '../../shared/events/batch.ts';
import { feedWriter } from '../../shared/news/service.ts';
import { followChangeFromStreamRecord } from '../../shared/social/stream.ts';

/** The social table's stream: a new follower gets recent events; an unfollow clears the author from the feed. */
export const handler = streamHandler(followChangeFromStreamRecord, async (change) => {
  const { follower, followed, since } = change.follow;
  const reader = { username: follower, since };
  if (change.kind === 'followed') await feedWriter().followed(reader, followed);
  else await feedWriter().unfollowed(reader, followed);
});
