import { get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { assertConformsToDocument, headersOf } from '../support/openapi-contract.ts';
import { ApiClient, startTestRuntime, type ApiResponse } from '../support/runtime.ts';
import { expectError, pause } from './helpers.ts';

/**
 * The contract's rate limits, enforced by the local runtime through the same code as deployed: 12 requests per
 * second per user (per client IP without a valid token), bursts up to 80, then 429 with Retry-After. This file
 * runs its runtime at the contract's numbers; the other e2e files run with limits far above what they send.
 *
 * The runtime runs on the real clock, so a burst that takes long (a busy machine) earns refills while it runs:
 * each check here bounds what passes by the time the burst measurably took, and expects 429s only when that time
 * was too short to refill the whole excess. The exact arithmetic, on a fake clock, is in
 * test/unit/http/rate-limit.test.ts.
 */

const RATE = 12;
const BURST = 80;
const saved = { perSecond: process.env.RATE_LIMIT_PER_SECOND, burst: process.env.RATE_LIMIT_BURST };
let runtime: Runtime;

beforeAll(async () => {
  process.env.RATE_LIMIT_PER_SECOND = String(RATE);
  process.env.RATE_LIMIT_BURST = String(BURST);
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.stop();
  for (const [name, value] of [
    ['RATE_LIMIT_PER_SECOND', saved.perSecond],
    ['RATE_LIMIT_BURST', saved.burst],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** Sends `count` requests at once; their answers, and how long the burst took in seconds. */
async function burst(count: number, send: () => Promise<ApiResponse<unknown>>) {
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: count }, send));
  return { answers, elapsedSeconds: (performance.now() - started) / 1000 };
}

/** What a burst may let through: the burst itself, what refilled while it ran, and one of slack. */
const mostAllowed = (elapsedSeconds: number) => BURST + Math.ceil(RATE * elapsedSeconds) + 1;

/**
 * A burst's answers: at least `servedAtLeast` (a fresh bucket's BURST) and at most mostAllowed(elapsed) got
 * `servedStatus`, the rest got 429 with Retry-After; and when the burst was too quick to refill its excess, some
 * of it did get 429.
 */
function expectLimitedBurst(
  { answers, elapsedSeconds }: { answers: ApiResponse<unknown>[]; elapsedSeconds: number },
  { servedStatus, servedAtLeast }: { servedStatus: number; servedAtLeast: number },
): void {
  const served = answers.filter((answer) => answer.status === servedStatus).length;
  const limited = answers.filter((answer) => answer.status === 429);
  expect(served + limited.length).toBe(answers.length);
  expect(served).toBeGreaterThanOrEqual(servedAtLeast);
  expect(served).toBeLessThanOrEqual(mostAllowed(elapsedSeconds));
  if (mostAllowed(elapsedSeconds) < answers.length) expect(limited.length).toBeGreaterThan(0);
  for (const answer of limited) {
    expectError(answer, 429, 'rate_limited');
    const retryAfter = answer.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  }
}

/**
 * A burst from another loopback address (the runtime sees another client IP) before the burst under test: it
 * loads the handler modules and opens the runtime's connections to DynamoDB Local, so that the measured burst
 * is one, without touching the bucket under test.
 */
async function warmUp(path: string, token?: string): Promise<void> {
  const url = new URL(path, runtime.url);
  const once = () =>
    new Promise<void>((done, fail) => {
      const request = httpGet(
        {
          host: '127.0.0.1',
          port: url.port,
          path: url.pathname,
          localAddress: '127.0.0.2',
          headers: token ? { authorization: `Bearer ${token}` } : {},
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            try {
              assertConformsToDocument({
                method: 'GET',
                path: url.pathname,
                status: response.statusCode ?? 0,
                headers: headersOf(response.headers),
                text: Buffer.concat(chunks).toString('utf8'),
              });
              done();
            } catch (problem) {
              fail(problem);
            }
          });
        },
      );
      request.on('error', fail);
    });
  await Promise.all(Array.from({ length: 100 }, once));
}

describe('per client IP, for requests without a token', () => {
  it('given 100 requests to /healthz in one burst, then at least 80 succeed and the rest, beyond what refilled meanwhile, get 429 with Retry-After', async () => {
    await warmUp('/healthz');
    const anonymous = new ApiClient(runtime.url);

    const result = await burst(100, () => anonymous.get('/healthz'));

    expectLimitedBurst(result, { servedStatus: 200, servedAtLeast: BURST });
  });

  it('given an IP over its limit, when a second passes, then it is served again', async () => {
    const anonymous = new ApiClient(runtime.url);
    await burst(100, () => anonymous.get('/healthz'));

    await pause(1000);

    for (let i = 0; i < 10; i++) expect((await anonymous.get('/healthz')).status).toBe(200);
  });
});

describe('per user, for requests with a valid token', () => {
  it('given 100 requests with one token in one burst, then at least 80 succeed, then 429s with Retry-After beyond what refilled meanwhile; a second later it recovers', async () => {
    await pause(1000); // This IP's bucket refills after the tests above: logging in is a public request.
    const alice = await ApiClient.loggedIn(runtime.url, 'alice');
    const warm = await ApiClient.loggedIn(runtime.url, 'warm');
    await warmUp('/v1/tags', warm.token);

    const result = await burst(100, () => alice.get('/v1/tags'));

    expectLimitedBurst(result, { servedStatus: 200, servedAtLeast: BURST });

    await pause(1000);

    for (let i = 0; i < 10; i++) expect((await alice.get('/v1/me')).status).toBe(200);
  });

  it("given one user's token over its limit, then another user's token is unaffected", async () => {
    await pause(1000);
    const [bob, carol] = [
      await ApiClient.loggedIn(runtime.url, 'bob'),
      await ApiClient.loggedIn(runtime.url, 'carol'),
    ];
    expectLimitedBurst(await burst(100, () => bob.get('/v1/tags')), {
      servedStatus: 200,
      servedAtLeast: BURST,
    });

    const { answers } = await burst(BURST, () => carol.get('/v1/tags'));

    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(BURST);
  });
});

describe('per client IP, for requests whose token is not valid', () => {
  it('given 100 requests with a made-up token in one burst, then they are limited by IP: 401s first, then 429s', async () => {
    await pause(1000);
    const guesser = new ApiClient(runtime.url, 'dlk_made-up-token');

    const result = await burst(100, () => guesser.get('/v1/tags'));

    // This IP's bucket is not full: the bursts above drained it, and it has refilled only since.
    expectLimitedBurst(result, { servedStatus: 401, servedAtLeast: 1 });
  });
});
