import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The one retry loop of the code base, for what the AWS SDK's own retry strategy does not cover. The SDK already
 * retries each call that fails with throttling, a 5xx or a network error (standard mode, with backoff); what
 * needs a loop here is an answer that succeeded as a call yet asks for another try: a BatchGet's unprocessed
 * keys, a SendMessageBatch's refused entries, a transaction cancelled by a concurrent one, an optimistic write
 * that lost the race. Each of those repeats a piece of work (often with a different request), so the SDK cannot.
 * Two loops stay apart, each saying why: the link checker's probes (the last outcome is the verdict, and a server's
 * Retry-After sets the wait) and the rate limiter's writes (no wait: each attempt builds on the state the refused
 * write returned, and running out is an answer, 429, not an error).
 */

/** How long to wait between attempts: injectable, so that tests take no real time. */
export interface Pause {
  sleep(ms: number): Promise<void>;
  /** In [0, 1): the jitter. */
  random(): number;
}

export const realPause: Pause = { sleep: (ms) => sleep(ms), random: Math.random };

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  attempts: number;
  /** The longest first backoff; it doubles with each retry, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The error thrown when the last attempt still asks to try again. */
  giveUp: () => Error;
}

/** What an attempt answers to have another one. */
export const TRY_AGAIN: unique symbol = Symbol('try again');

/**
 * Full jitter: a uniform wait in [0, min(max, base · 2^(retry - 1))), so that competing writers spread out
 * instead of colliding again in step. `retry` counts from 1 (the wait before the second attempt).
 */
export function backoffMs(policy: RetryPolicy, retry: number, random: number): number {
  return random * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
}

/**
 * Runs `attempt` (given its number, from 1) until it answers something other than TRY_AGAIN, at most
 * `policy.attempts` times, with full-jitter backoff in between; then throws `policy.giveUp()`. An error an
 * attempt throws ends the loop at once: only TRY_AGAIN asks for another attempt.
 */
export async function retry<T>(
  policy: RetryPolicy,
  attempt: (attemptNumber: number) => Promise<T | typeof TRY_AGAIN>,
  pause: Pause = realPause,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    const result = await attempt(attemptNumber);
    if (result !== TRY_AGAIN) return result;
    if (attemptNumber >= policy.attempts) throw policy.giveUp();
    await pause.sleep(backoffMs(policy, attemptNumber, pause.random()));
  }
}
