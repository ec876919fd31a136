import type { Context, ScheduledEvent } from 'aws-lambda';
import { scheduleConfig } from '../../shared/checker/schedule-config.ts';
import type { RecheckReport } from '../../shared/checker/core.ts';
import { staleLinkRechecker } from '../../shared/checker/service.ts';
import { logger } from '../../shared/logger.ts';

const DAY_MS = 86_400_000;
/** Stop scanning with this much time left, so that what was found is queued before the timeout. */
const SAFETY_MARGIN_MS = 60_000;

/**
 * The daily schedule (an EventBridge rule): queues checks of the links not checked for 7 days. A run that runs
 * out of time stops early; the links it did not reach are still stale, so the next run takes them.
 */
export async function handler(_event: ScheduledEvent, context: Context): Promise<RecheckReport> {
  logger.addContext(context);
  const settings = scheduleConfig();
  if (!settings.LINK_CHECKS_ENABLED) return { queued: 0, deferred: 0, users: 0, stoppedEarly: false };
  const report = await staleLinkRechecker().run({
    staleAfterMs: settings.LINK_CHECKER_STALE_DAYS * DAY_MS,
    perUser: settings.LINK_CHECKER_RECHECK_PER_USER,
    shouldStop: () => context.getRemainingTimeInMillis() < SAFETY_MARGIN_MS,
  });
  logger.info('stale links queued for a check', { ...report });
  return report;
}
