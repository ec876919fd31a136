import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { RateLimited } from '../../../shared/errors.ts';
import { RateLimiter, rateKeyForIp, rateKeyForUser } from '../../../shared/http/rate-limit.ts';
import { InMemoryRateStore, writesThrough } from '../support/memory-users.ts';

const CONTRACT = { perSecond: 12, burst: 80 };
const KEY = 'client-key';

let nowMs: number;
let store: InMemoryRateStore;
let limiter: RateLimiter;

beforeEach(() => {
  nowMs = Date.parse('2026-11-23T18:00:00.000Z');
  store = new InMemoryRateStore();
  limiter = new RateLimiter(store, CONTRACT, () => nowMs);
});

/** Sends `count` requests at the current instant; how many were allowed. */
async function burst(count: number, key = KEY): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < count; i++) if ((await limiter.check(key)).allowed) allowed++;
  return allowed;
}

describe('GCRA at the contract numbers (12/s, bursts of 80)', () => {
  it('given a new client, when it sends 100 requests at once, then exactly 80 pass and the rest are limited', async () => {
    expect(await burst(100)).toBe(80);
  });

  it('given a client that used its burst, when it asks again at once, then it is told to retry after 1 s', async () => {
    await burst(80);

    expect(await limiter.check(KEY)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('given a client that used its burst, when 1/12 s passes, then exactly one more request passes', async () => {
    await burst(80);

    nowMs += 1000 / 12;

    expect(await burst(3)).toBe(1);
  });

  it('given a client that used its burst, when a second passes, then 12 more requests pass', async () => {
    await burst(80);

    nowMs += 1000;

    expect(await burst(20)).toBe(12);
  });

  it('given a client that used its burst, when it stays idle for the whole burst window, then it gets the full burst again', async () => {
    await burst(80);

    nowMs += (80 * 1000) / 12;

    expect(await burst(100)).toBe(80);
  });

  it('given a client sending steadily at 12/s, then it is never limited', async () => {
    for (let i = 0; i < 200; i++) {
      expect((await limiter.check(KEY)).allowed).toBe(true);
      nowMs += 1000 / 12;
    }
  });

  it('given two clients, when one uses its burst, then the other is unaffected', async () => {
    await burst(100, 'greedy');

    expect(await burst(80, 'polite')).toBe(80);
  });

  it('given a tiny limit of 1/s and a burst of 1, when limited, then Retry-After counts the whole seconds to wait', async () => {
    limiter = new RateLimiter(store, { perSecond: 0.25, burst: 1 }, () => nowMs);
    await limiter.check(KEY);

    expect(await limiter.check(KEY)).toEqual({ allowed: false, retryAfterSeconds: 4 });
    nowMs += 1500;
    expect(await limiter.check(KEY)).toEqual({ allowed: false, retryAfterSeconds: 3 });
  });

  it('given an over-limit client, when enforce is called, then it throws RateLimited with the seconds to wait', async () => {
    await burst(80);

    const failure = await limiter.enforce(KEY).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RateLimited);
    expect((failure as RateLimited).retryAfterSeconds).toBe(1);
  });
});

describe('the cost per request', () => {
  it('given an idle client making occasional requests, then each costs one write', async () => {
    for (let i = 0; i < 10; i++) {
      store.writes = 0;
      await limiter.check(KEY);
      expect(store.writes).toBe(1);
      nowMs += 1000;
    }
  });

  it('given a burst, then only its first request after idling pays a second write', async () => {
    await limiter.check(KEY);
    store.writes = 0;

    await burst(79);

    expect(store.writes).toBe(79);
  });

  it('given a limited client, then each limited request costs one write, which returns the stored tat', async () => {
    await burst(80);
    store.writes = 0;

    await burst(10);

    expect(store.writes).toBe(10);
  });

  it('given a fresh instance (cold start) and a client mid-burst on another, then its first request costs two writes, later ones one', async () => {
    await burst(10);
    const coldStart = new RateLimiter(store, CONTRACT, () => nowMs);
    store.writes = 0;

    await coldStart.check(KEY);
    expect(store.writes).toBe(2);
    await coldStart.check(KEY);
    expect(store.writes).toBe(3);
  });

  it('given 100 concurrent requests of one client on one instance (the local runtime), then each costs about one write and exactly 80 pass', async () => {
    await limiter.check(KEY);
    store.writes = 0;

    const decisions = await Promise.all(Array.from({ length: 99 }, () => limiter.check(KEY)));

    expect(decisions.filter((d) => d.allowed)).toHaveLength(79);
    expect(store.writes).toBe(99);
  });

  it('given 100 concurrent first requests of a new client on one instance, then exactly 80 pass within three writes each', async () => {
    const decisions = await Promise.all(Array.from({ length: 100 }, () => limiter.check(KEY)));

    expect(decisions.filter((d) => d.allowed)).toHaveLength(80);
    expect(store.writes).toBeLessThanOrEqual(300);
  });

  it('given another instance that keeps changing the item between writes, then after three attempts the request is limited', async () => {
    let flip = false;
    store.beforeWrite = (key) => {
      // Alternately make the item look idle and busy, so each prediction is wrong.
      flip = !flip;
      store.tats.set(key, flip ? nowMs * 1000 + 1 : nowMs * 1000 - 1);
    };
    store.tats.set(KEY, nowMs * 1000 + 1);
    const fresh = new RateLimiter(store, CONTRACT, () => nowMs);

    expect(await fresh.check(KEY)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(store.writes).toBe(3);
  });
});

describe('several instances sharing one client item, under any interleaving', () => {
  const SETTINGS = { perSecond: 12, burst: 5 };

  /** The limiter's arithmetic, in whole microseconds. */
  const INTERVAL = Math.round(1_000_000 / SETTINGS.perSecond);
  const TOLERANCE = (SETTINGS.burst - 1) * INTERVAL;

  /** How many of `count` requests at `now` (µs) one GCRA allows, and the tat it leaves. */
  function gcra(tat: number | undefined, now: number, count: number) {
    let allowed = 0;
    for (let i = 0; i < count; i++) {
      const next = Math.max(tat ?? now, now);
      if (next > now + TOLERANCE) break;
      tat = next + INTERVAL;
      allowed++;
    }
    return { allowed, tat };
  }

  /** Steps, each some time after the last, of requests at once spread over three instances. */
  const histories = fc.array(
    fc.record({
      afterMs: fc.integer({ min: 0, max: 1000 }),
      instances: fc.array(fc.nat(2), { minLength: 1, maxLength: 9 }),
    }),
    { minLength: 1, maxLength: 8 },
  );

  it('given concurrent requests of one client on several instances, whatever order their writes land in, then each moment allows exactly what one GCRA allows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), histories, async (scheduler, history) => {
        const shared = new InMemoryRateStore();
        // Every write reaches the item when the scheduler lets it, each one atomic, as DynamoDB applies them.
        const scheduled = writesThrough(shared, async (label, apply) => {
          await scheduler.schedule(Promise.resolve(), label);
          return apply();
        });
        let now = Date.parse('2026-12-03T10:00:00.000Z');
        const instances = [0, 1, 2].map(() => new RateLimiter(scheduled, SETTINGS, () => now));
        let modelTat: number | undefined;

        for (const step of history) {
          now += step.afterMs;
          const decisions = await scheduler.waitFor(
            Promise.all(step.instances.map((instance) => instances[instance]!.check(KEY))),
          );

          const expected = gcra(modelTat, now * 1000, decisions.length);
          modelTat = expected.tat;
          expect(decisions.filter((decision) => decision.allowed)).toHaveLength(expected.allowed);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('rate keys', () => {
  it('given a user and an IP, then their keys are SHA-256 hashes that reveal neither, and never collide', () => {
    expect(rateKeyForUser('alice')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rateKeyForUser('alice')).not.toContain('alice');
    expect(rateKeyForIp('203.0.113.7')).not.toContain('203.0.113.7');
    expect(rateKeyForUser('203.0.113.7')).not.toBe(rateKeyForIp('203.0.113.7'));
  });
});
