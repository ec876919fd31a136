import {
  AlreadyExists,
  DomainError,
  Forbidden,
  IdempotencyKeyInProgress,
  IdempotencyKeyReused,
  InsufficientScope,
  InvalidRequest,
  LinkLimitReached,
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
  RateLimited,
  TryAgainLater,
  Unauthorized,
  Unavailable,
  UnavailableForAWhile,
  UnsupportedMediaType,
} from '../errors.ts';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
  [extra: string]: unknown;
}

interface HttpError {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
}

const STATUS_BY_ERROR: [new (...args: never[]) => DomainError, number][] = [
  [InvalidRequest, 400],
  [Unauthorized, 401],
  [InsufficientScope, 403],
  [Forbidden, 403],
  [LinkLimitReached, 403],
  [NotFound, 404],
  [MethodNotAllowed, 405],
  [AlreadyExists, 409],
  [IdempotencyKeyInProgress, 409],
  [PayloadTooLarge, 413],
  [UnsupportedMediaType, 415],
  [IdempotencyKeyReused, 422],
  [RateLimited, 429],
  [Unavailable, 503],
];

/** The one place where errors become HTTP answers. Anything that is not a domain error is a bug: a bare 500. */
export function toHttpError(error: unknown): HttpError {
  if (!(error instanceof DomainError)) {
    return {
      status: 500,
      headers: {},
      body: { error: { code: 'internal', message: 'Something went wrong on our side; it has been logged.' } },
    };
  }
  const status = STATUS_BY_ERROR.find(([type]) => error instanceof type)?.[1] ?? 500;
  const body: ErrorBody = {
    error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
  };
  const headers: Record<string, string> = {};
  if (error instanceof Unauthorized) headers['www-authenticate'] = 'Bearer';
  if (error instanceof MethodNotAllowed) headers['allow'] = error.allow.join(', ');
  if (error instanceof TryAgainLater || error instanceof UnavailableForAWhile) {
    headers['retry-after'] = String(error.retryAfterSeconds);
  }
  if (error instanceof AlreadyExists && error.existing) {
    // The contract returns the duplicate beside the error, keyed by what it is (`link`, ...).
    Object.assign(body, error.existing);
  }
  return { status, headers, body };
}
