import { scheduleConfig } from '../../shared/checker/schedule-config.ts';
import { recheckRequest } from '../../shared/checker/schemas.ts';
import { staleLinkRechecker } from '../../shared/checker/service.ts';
import { route } from '../../shared/http/handler.ts';
import { fieldsOf, validate } from '../../shared/http/validate.ts';

/**
 * Local runtime only: POST /dev/recheck fires the daily re-check by hand (the schedule does not run locally).
 * `stale_after_seconds` (query or body; default 7 days) picks what counts as stale: 0 re-checks every link of
 * every user. The wiring declares it `localOnly`, which keeps it out of every deployed stack and is a second
 * lock on the same door: the gate answers 404 outside the local runtime, before it authenticates anyone.
 */
export const handler = route('devRecheck', async (request) => {
  const { stale_after_seconds } = validate(recheckRequest, fieldsOf(request.query, request.body));
  const settings = scheduleConfig();
  const report = await staleLinkRechecker().run({
    staleAfterMs:
      stale_after_seconds !== undefined
        ? stale_after_seconds * 1000
        : settings.LINK_CHECKER_STALE_DAYS * 86_400_000,
    uncheckedAfterMs: stale_after_seconds !== undefined ? stale_after_seconds * 1000 : undefined,
    perUser: settings.LINK_CHECKER_RECHECK_PER_USER,
  });
  return {
    status: 200,
    body: {
      queued: report.queued,
      deferred: report.deferred,
      users: report.users,
      stopped_early: report.stoppedEarly,
    },
  };
});
