import { streamHandler } from '../../shared/events/batch.ts';
import { logger } from '../../shared/logger.ts';
import { feedWriter } from '../../shared/news/service.ts';
import { followChangeFromStreamRecord } from '../../shared/social/stream.ts';

/** The social table's stream: a new follower gets recent events; an unfollow clears the author from the feed. */
export const handler = streamHandler(async (record) => {
  let change;
  try {
    change = followChangeFromStreamRecord(record);
  } catch (error) {
    logger.warn('skipping unreadable social stream record', {
      eventID: record.eventID,
      error: error as Error,
    });
    return;
  }
  if (change?.kind === 'followed')
    await feedWriter().followed(change.follow.follower, change.follow.followed);
  if (change?.kind === 'unfollowed')
    await feedWriter().unfollowed(change.follow.follower, change.follow.followed);
});
