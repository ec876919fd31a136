import { queueHandler } from '../../shared/events/batch.ts';
import { parseMessage } from '../../shared/events/messages.ts';
import { feedWriteMessage } from '../../shared/news/messages.ts';
import { feedWriter } from '../../shared/news/service.ts';

/** One event into a batch of followers' feeds. */
export const handler = queueHandler(async (record) => {
  await feedWriter().apply(parseMessage(feedWriteMessage, record.body));
});
