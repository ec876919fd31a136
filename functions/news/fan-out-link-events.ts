import { streamHandler } from '../../shared/events/batch.ts';
import { linkChangeFromStreamRecord } from '../../shared/links/stream.ts';
import { logger } from '../../shared/logger.ts';
import { feedChangesFor } from '../../shared/news/events.ts';
import { fanOut } from '../../shared/news/service.ts';

/** The links table's stream: each visible change to a public link fans out to its author's followers. */
export const handler = streamHandler(async (record) => {
  let change;
  try {
    change = linkChangeFromStreamRecord(record);
  } catch (error) {
    // A record we cannot read would fail forever: log it and move on.
    logger.warn('skipping unreadable links stream record', {
      eventID: record.eventID,
      error: error as Error,
    });
    return;
  }
  if (!change) return;
  for (const feedChange of feedChangesFor(change)) await fanOut().run(feedChange);
});
