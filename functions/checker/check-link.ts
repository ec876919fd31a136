import { queueHandler } from '../../shared/events/batch.ts';
import { parseCheckMessage } from '../../shared/checker/model.ts';
import { linkCheckService } from '../../shared/checker/service.ts';
import { logger } from '../../shared/logger.ts';

/** One link check per message (a batch runs in parallel): probe, snapshot, record. */
export const handler = queueHandler(async (record) => {
  const request = parseCheckMessage(record.body);
  const report = await linkCheckService().handle(request);
  logger.info('link check', {
    cause: request.cause,
    outcome: report.outcome,
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
