/**
 * Domain errors: what went wrong, in the service's own words. They know nothing of HTTP;
 * shared/http/errors.ts maps each one to a status, in exactly one place.
 */

type ErrorDetails = Record<string, unknown>;

export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A field is missing, malformed or out of bounds; `details` names each field. */
export class InvalidRequest extends DomainError {
  readonly code = 'invalid_request';
}

export class Unauthorized extends DomainError {
  readonly code = 'unauthorized';
}

/** The caller's token is valid, but its scope does not allow this route (a read-only token writing, ...). */
export class InsufficientScope extends DomainError {
  readonly code = 'insufficient_scope';
}

/** The request may not do this whatever its credential: a cookie-signed request from another origin. */
export class Forbidden extends DomainError {
  readonly code = 'forbidden';
}

export class LinkLimitReached extends DomainError {
  readonly code = 'link_limit_reached';
}

export class NotFound extends DomainError {
  readonly code = 'not_found';
}

export class MethodNotAllowed extends DomainError {
  readonly code = 'method_not_allowed';
  constructor(
    message: string,
    readonly allow: string[],
  ) {
    super(message);
  }
}

/** A duplicate; `existing` is what is already there, returned to the caller beside the error. */
export class AlreadyExists extends DomainError {
  readonly code: string = 'already_exists';
  constructor(
    message: string,
    readonly existing?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export class AlreadyFollowing extends AlreadyExists {
  override readonly code = 'already_following';
}

export class PayloadTooLarge extends DomainError {
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaType extends DomainError {
  readonly code = 'unsupported_media_type';
}

/** A refusal that passes: the caller may try again after `retryAfterSeconds` (the answer's `Retry-After`). */
export abstract class TryAgainLater extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class RateLimited extends TryAgainLater {
  readonly code = 'rate_limited';
}

/** An `Idempotency-Key` sent again with another request (body, query or path) than the one it first came with. */
export class IdempotencyKeyReused extends DomainError {
  readonly code = 'idempotency_key_reused';
}

/** A retry that arrived while the first request with its `Idempotency-Key` is still being answered. */
export class IdempotencyKeyInProgress extends TryAgainLater {
  readonly code = 'idempotency_key_in_progress';
}

/** A dependency is down or throttling after retries. */
export class Unavailable extends DomainError {
  readonly code = 'unavailable';
}

/** Unavailable for a while that the service can tell: the caller may try again after `retryAfterSeconds`. */
export class UnavailableForAWhile extends Unavailable {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
