import { queueHandler } from '../../shared/events/batch.ts';
import { parseCheckMessage } from '../../shared/checker/model.ts';
import { linkCheckService } from '../../shared/checker/check-service.ts';
import { logger } from '../../shared/logger.ts';
import { emitBy } from '../../shared/metrics.ts';

/** One link check per message (a batch runs in parallel): probe, snapshot, record. */
export const handler = queueHandler(async (record) => {
  const request = parseCheckMessage(record.body);
  const started = performance.now();
  const report = await linkCheckService().handle(request);
  const durationMs = Math.round(performance.now() - started);
  // A check that found its link gone, or checked meanwhile, decided nothing: `skipped`.
  emitBy('verdict' in report ? report.verdict.status : 'skipped', {
    linkChecks: 1,
    linkCheckDuration: durationMs,
  });
  logger.info('link check', {
    cause: request.cause,
    outcome: report.outcome,
    duration_ms: durationMs,
    ...('why' in report ? { why: report.why } : {}),
    ...('verdict' in report
      ? {
          status: report.verdict.status,
          http_status: report.verdict.httpStatus,
          reason: report.verdict.reason,
          attempts: report.verdict.attempts,
        }
      : {}),
  });
});
