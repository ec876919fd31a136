import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One correlation id follows a piece of work across functions, so that one Logs Insights query (README,
 * "Operations") finds every log line of, say, a link's journey from `POST /v1/links` to its followers' feeds:
 *
 * - an HTTP request takes the caller's `x-request-id` when it is well formed (`CLIENT_ID_PATTERN`), else the API
 *   Gateway request id, and answers with it in `x-request-id`;
 * - a link item is written with the id of the request that wrote it (`correlation_id`, shared/links/table.ts), so
 *   the links stream's record carries it to its consumers (shared/events/batch.ts);
 * - every SQS message sent while an id is current carries it as the message attribute `correlation_id`
 *   (shared/aws/sqs.ts), which the queue consumers take up again (shared/events/batch.ts);
 * - every log line written while an id is current names it (shared/logger.ts), and the X-Ray subsegment of the
 *   work is annotated with it (shared/tracing.ts).
 *
 * The id is scoped with async local storage rather than kept per process, because batch handlers work on several
 * records at once, each with its own id. Plain TypeScript: no AWS import, so any layer may read it.
 */

/** Its name everywhere: the log key, the table attribute, the message attribute and the trace annotation. */
export const CORRELATION_ID = 'correlation_id';

/** A caller's `x-request-id` that is kept as the correlation id: short, and nothing that could forge a log line. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

const current = new AsyncLocalStorage<string>();

/** Runs `work` with `id` as the current correlation id (when there is one; else as it is). */
export function withCorrelationId<T>(id: string | undefined, work: () => T): T {
  return id ? current.run(id, work) : work();
}

/** The correlation id of the work in progress, if any. */
export function currentCorrelationId(): string | undefined {
  return current.getStore();
}

/** The correlation id of an HTTP request: the caller's well-formed `x-request-id`, else the gateway's request id. */
export function correlationIdOfRequest(
  headers: Record<string, string | undefined> | undefined,
  gatewayRequestId: string,
): string {
  const given = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'x-request-id')?.[1];
  return given !== undefined && CLIENT_ID_PATTERN.test(given) ? given : gatewayRequestId;
}
