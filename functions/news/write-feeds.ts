import { fifoQueueHandler } from '../../shared/events/batch.ts';
import { parseMessage } from '../../shared/events/messages.ts';
import { logger } from '../../shared/logger.ts';
import { emit } from '../../shared/metrics.ts';
import { feedQueueMessage, type FeedQueueMessage } from '../../shared/news/messages.ts';
import { feedWriter } from '../../shared/news/service.ts';

/**
 * The one writer of a group of readers' feeds (the FIFO queue's group): a link change into a batch of followers'
 * feeds, or a follow begun (recent events, counted as the fan-out's are) or ended (the author's entries go). A
 * change's fan-out lag runs from its own timestamp (when the link was added, changed or deleted) to now; a
 * retraction has none. Logged under the message's correlation id, the last step of a link's journey. A message that
 * cannot be read is logged and dropped: on a FIFO queue it would hold up its group's writes until dead-lettered.
 */
export const handler = fifoQueueHandler(async (record) => {
  let message: FeedQueueMessage;
  try {
    message = parseMessage(feedQueueMessage, record.body);
  } catch (error) {
    // It would fail on every delivery, holding its group up until it reached the dead-letter queue.
    logger.error('dropping an unreadable feed write', { messageId: record.messageId, error: error as Error });
    return;
  }
  if ('follow' in message) {
    const { kind, reader, author } = message.follow;
    if (kind === 'followed') emit('feedEntriesWritten', await feedWriter().followed(reader, author));
    else await feedWriter().unfollowed(reader, author);
    return;
  }
  const written = await feedWriter().apply(message);
  logger.info('feed write applied', { kind: message.change.kind, readers: message.readers.length, written });
  emit('feedEntriesWritten', written);
  if (message.change.kind === 'publish') {
    emit('fanOutLag', Math.max(0, Date.now() - Date.parse(message.change.event.timestamp)));
  }
});
