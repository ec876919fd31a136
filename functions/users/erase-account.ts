import { queueHandler } from '../../shared/events/batch.ts';
import { parseMessage } from '../../shared/events/messages.ts';
import { logger } from '../../shared/logger.ts';
import { accountErasure } from '../../shared/users/erasure-service.ts';
import { erasureMessageSchema } from '../../shared/users/model.ts';

/** One step of an account's erasure; it queues the next itself when its time runs low. */
export const handler = queueHandler(async (record, context) => {
  const progress = parseMessage(erasureMessageSchema, record.body, 'erasure message');
  const outcome = await accountErasure().run(progress, () => context.getRemainingTimeInMillis());
  logger.info('account erasure', { username: progress.username, from: progress.step, outcome });
});
