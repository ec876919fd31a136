import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { InvalidRequest } from '../errors.ts';
import type { FunctionName } from '../wiring.ts';
import type { HttpResponse } from './handler.ts';
import type { AnswerInTransaction } from './idempotency.ts';
import type { HttpRequest } from './request.ts';

/**
 * The contract's `Idempotency-Key`, as every HTTP function reads it. How a keyed POST's answer is kept
 * (shared/http/idempotency.ts: Powertools Idempotency and its DynamoDB persistence layer) is loaded by a function's
 * first keyed POST, not at its cold start: most requests carry no key (GETs never do), and a module's bytes cost
 * every cold start that loads it, used or not (lib/bundling.ts).
 */

/** The request header, as the contract names it; requests' header names are lower-cased when parsed. */
export const IDEMPOTENCY_KEY_HEADER_NAME = 'Idempotency-Key';
/** The header that marks a replayed answer. */
export const REPLAYED_HEADER_NAME = 'Idempotent-Replayed';
const IDEMPOTENCY_KEY_HEADER = IDEMPOTENCY_KEY_HEADER_NAME.toLowerCase();
/** How long a key's first answer is kept for its retries (the contract's 24 hours); DynamoDB's TTL then deletes it. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;
/** The contract's keys: 1 to 255 printable ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** The request's Idempotency-Key (undefined without one, or on a method other than POST). */
export function idempotencyKeyOf(request: HttpRequest): string | undefined {
  if (request.method !== 'POST') return undefined;
  const key = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new InvalidRequest('Idempotency-Key must be 1 to 255 printable ASCII characters.', {
      'Idempotency-Key': 'must be 1 to 255 printable ASCII characters',
    });
  }
  return key;
}

/**
 * `work`'s answer, done at most once per `Idempotency-Key` of a POST: a retry gets the first answer again.
 * Without the header (or on another method) it is simply `work`'s answer; a malformed key is InvalidRequest.
 */
export async function answerOnce(
  name: FunctionName,
  request: HttpRequest,
  scope: string,
  context: Context,
  work: () => Promise<HttpResponse>,
): Promise<HttpResponse> {
  const key = idempotencyKeyOf(request);
  if (key === undefined) return work();
  const { answerKeyedOnce } = await import('./idempotency.ts');
  return answerKeyedOnce(name, request, scope, key, context, work);
}

/** For a keyed POST of a `oneTransaction` route: its answer's record, drafted to go in the work's transaction. */
export async function answerInTransaction(
  name: FunctionName,
  request: HttpRequest,
  scope: string,
  key: string,
): Promise<AnswerInTransaction> {
  const { AnswerInTransaction } = await import('./idempotency.ts');
  return AnswerInTransaction.forRequest(name, request, scope, key);
}

/** Whether an answer of this status is the request's own, and so kept for its retries. */
export function isKept(status: number): boolean {
  return status < 500 && status !== 429 && status !== 401;
}

/** A live record met by the request's write: `item` is the record as DynamoDB returned it, when it did. */
export class AnswerFound extends Error {
  constructor(readonly item: Record<string, AttributeValue> | undefined) {
    super('an idempotency record holds this key');
  }
}
