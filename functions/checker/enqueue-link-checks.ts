import { streamHandler } from '../../shared/events/batch.ts';
import { checkerConfig } from '../../shared/checker/config.ts';
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
 */
export const handler = streamHandler(linkChangeFromStreamRecord, async (change) => {
  const updates = searchUpdatesFor(change);
  if (updates.length > 0) await searchUpdates().send(updates);
  const plan = planForChange(change);
  if (plan.check && checkerConfig().LINK_CHECKS_ENABLED) await checkQueue().send([plan.check]);
  if (plan.purgeSnapshots) {
    const removed = await snapshots().removeAll(plan.purgeSnapshots);
    if (removed > 0) logger.info('deleted the snapshots of a deleted link', { count: removed });
  }
});
