import { Unavailable } from '../errors.ts';

/**
 * The one place where AWS failures become domain errors, used by the clients every adapter takes
 * (DocumentClient, QueueClient, ObjectClient), so that adapters call `send` plainly.
 */

const UNAVAILABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'SlowDown',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The SDK has already retried throttling and server errors with backoff; what still fails is a dependency
 * that is down (503). Anything else (a failed condition, a cancelled transaction, a bug on our side) stays as
 * it is, for the adapter to decide or as a 500.
 */
function translateAwsError(error: unknown, dependency: string): unknown {
  if (!(error instanceof Error)) return error;
  const fault = (error as { $fault?: string }).$fault;
  const code = (error as { code?: string }).code;
  if (UNAVAILABLE_NAMES.has(error.name) || fault === 'server' || (code && NETWORK_CODES.has(code))) {
    return new Unavailable(`${dependency} is unavailable right now; try again shortly.`);
  }
  return error;
}

type Send = (command: never, options?: never) => Promise<unknown>;

/**
 * A client's `send` with its failures translated. It calls the inherited `send` at call time: aws-sdk-client-mock
 * replaces that one (no middleware runs under a mock), so the translation holds in unit tests too, which is why
 * this wraps `send` rather than adding a middleware. Paginators call `send` as well.
 */
export function translatingSend(inherited: Send, dependency: string): Send {
  return async (command, options) => {
    try {
      return await inherited(command, options);
    } catch (error) {
      throw translateAwsError(error, dependency);
    }
  };
}
