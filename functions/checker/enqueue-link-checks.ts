import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { streamHandler } from '../../shared/events/batch.ts';
import { scheduleConfig } from '../../shared/checker/schedule-config.ts';
import { planForChange } from '../../shared/checker/core.ts';
import { checkQueue, snapshots } from '../../shared/checker/service.ts';
import { linkChangeFromStreamRecord } from '../../shared/links/stream.ts';
import { logger } from '../../shared/logger.ts';
import { searchUpdatesFor } from '../../shared/search/events.ts';
import { searchUpdates } from '../../shared/search/service.ts';

/**
 * The links table's stream, second consumer (and its dispatcher beyond the news: AWS advises at most two
 * consumers per stream shard): a new link (or one whose URL changed) is queued for a check; a deleted link's
 * snapshots are deleted; and every change that matters to search is sent to its owner's search index updater
 * (the searchUpdates queue), in the stream's order.
 *
 * The search updates go first, for the whole batch at once: each user's consecutive changes packed into few
 * messages (an import's hundred links in one), so that the updater writes an index once per batch of them rather
 * than once per ten links. If that fails, the whole batch is retried; if a record's check fails afterwards,
 * the records from it on are retried and their updates sent again, which applies them again to the same effect.
 */
export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  const updates = event.Records.flatMap((record) => {
    const change = readableChange(record);
    return change ? searchUpdatesFor(change) : [];
  });
  if (updates.length > 0) await searchUpdates().send(updates);
  return checkEach(event, context);
}

/** The change a record makes; undefined for one that cannot be read (checkEach logs and skips it). */
function readableChange(record: DynamoDBStreamEvent['Records'][number]) {
  try {
    return linkChangeFromStreamRecord(record);
  } catch {
    return undefined;
  }
}

const checkEach = streamHandler(linkChangeFromStreamRecord, async (change) => {
  const plan = planForChange(change);
  if (plan.check && scheduleConfig().LINK_CHECKS_ENABLED) await checkQueue().send([plan.check]);
  if (plan.purgeSnapshots) {
    const removed = await snapshots().removeAll(plan.purgeSnapshots);
    if (removed > 0) logger.info('deleted the snapshots of a deleted link', { count: removed });
  }
});
