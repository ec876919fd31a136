import { queueHandler } from '../../shared/events/batch.ts';
import { parseMessage } from '../../shared/events/messages.ts';
import { logger } from '../../shared/logger.ts';
import { emit } from '../../shared/metrics.ts';
import { feedWriteMessage } from '../../shared/news/messages.ts';
import { feedWriter } from '../../shared/news/service.ts';

/**
 * One event into a batch of followers' feeds. Its fan-out lag runs from the change's own timestamp (when the link
 * was added, changed or deleted) to now; a retraction has none. Logged under the message's correlation id, the
 * last step of a link's journey.
 */
export const handler = queueHandler(async (record) => {
  const write = parseMessage(feedWriteMessage, record.body);
  const written = await feedWriter().apply(write);
  logger.info('feed write applied', { kind: write.change.kind, readers: write.readers.length, written });
  emit('feedEntriesWritten', written);
  if (write.change.kind === 'publish') {
    emit('fanOutLag', Math.max(0, Date.now() - Date.parse(write.change.event.timestamp)));
  }
});
