import { queueHandler } from '../../shared/events/batch.ts';
import { parseMessage } from '../../shared/events/messages.ts';
import { fanOutContinuationMessage } from '../../shared/news/messages.ts';
import { fanOut } from '../../shared/news/service.ts';

/** The next page of an author's followers for an event whose fan-out did not fit in one step. */
export const handler = queueHandler(async (record) => {
  const { change, after } = parseMessage(fanOutContinuationMessage, record.body);
  await fanOut().run(change, after);
});
