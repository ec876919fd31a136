import { streamHandler } from '../../shared/events/batch.ts';
import { checkerConfig } from '../../shared/checker/config.ts';
import { planForChange } from '../../shared/checker/core.ts';
import { checkQueue, snapshots } from '../../shared/checker/service.ts';
import { linkChangeFromStreamRecord } from '../../shared/links/stream.ts';
import { logger } from '../../shared/logger.ts';

/**
 * The links table's stream, second consumer: a new link (or one whose URL changed) is queued for a check; a
 * deleted link's snapshots are deleted. Status writes, title fills and other edits do nothing here.
 */
export const handler = streamHandler(linkChangeFromStreamRecord, async (change) => {
  const plan = planForChange(change);
  if (plan.check && checkerConfig().LINK_CHECKS_ENABLED) await checkQueue().send([plan.check]);
  if (plan.purgeSnapshots) {
    const removed = await snapshots().removeAll(plan.purgeSnapshots);
    if (removed > 0) logger.info('deleted the snapshots of a deleted link', { count: removed });
  }
});
