import { streamBatchHandler } from '../../shared/events/batch.ts';
import { linkChangeFromStreamRecord } from '../../shared/links/stream.ts';
import { logger } from '../../shared/logger.ts';
import { feedChangesFor } from '../../shared/news/events.ts';
import { fanOut } from '../../shared/news/service.ts';

/**
 * The links table's stream: each visible change to a public link fans out to its author's followers, whose
 * first page is read once per author and batch (see FanOut.forBatch). Each change fanned out is logged, under the
 * correlation id of the request that made it, so that a link's journey can be followed into its followers' feeds.
 */
export const handler = streamBatchHandler(linkChangeFromStreamRecord, () => {
  const run = fanOut().forBatch();
  return async (change) => {
    for (const feedChange of feedChangesFor(change)) {
      await run(feedChange);
      logger.info('link change fanned out', { kind: feedChange.kind });
    }
  };
});
