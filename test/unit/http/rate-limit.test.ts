import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_RATE_LIMIT_LEASE_SECONDS } from '../../../shared/config.ts';
import { RateLimited } from '../../../shared/errors.ts';
import {
  LEASE_MS,
  RateLimiter,
  rateKeyForIp,
  rateKeyForUser,
  type RateLimitStore,
  type RateWrite,
} from '../../../shared/http/rate-limit.ts';
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

describe('GCRA at the contract numbers (12/s, bursts of 80), each write claiming up to four requests', () => {
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

describe('the cost per request, with one request a write', () => {
  beforeEach(() => {
    limiter = new RateLimiter(store, { ...CONTRACT, tokensPerClaim: 1 }, () => nowMs);
  });

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
    const coldStart = new RateLimiter(store, { ...CONTRACT, tokensPerClaim: 1 }, () => nowMs);
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
    const fresh = new RateLimiter(store, { ...CONTRACT, tokensPerClaim: 1 }, () => nowMs);

    expect(await fresh.check(KEY)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(store.writes).toBe(3);
  });
});

describe('several instances sharing one client item, under any interleaving', () => {
  const SETTINGS = { perSecond: 12, burst: 5, tokensPerClaim: 1 };

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

  it('given one request a write and concurrent requests of one client on several instances, whatever order their writes land in, then each moment allows exactly what one GCRA allows', async () => {
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

describe('claims of several requests a write', () => {
  const USER = rateKeyForUser('alice');

  it("given a client's requests one after another on one instance, then a write claims four and the next three cost no call", async () => {
    for (let i = 0; i < 12; i++) {
      expect((await limiter.check(KEY)).allowed).toBe(true);
      nowMs += 10;
    }

    expect(store.writes).toBe(3);
    expect(store.reads).toBe(0);
  });

  it("given a user's requests with the credentials mark verified, then each spent from a claim reads the mark once and writes nothing", async () => {
    const first = await limiter.check(USER, { issue: 'mark-1' });
    expect(first).toEqual({ allowed: true, mark: 'mark-1' });

    for (let i = 0; i < 3; i++) {
      expect(await limiter.check(USER, { expect: 'mark-1' })).toEqual({ allowed: true, mark: 'mark-1' });
    }

    expect(store.writes).toBe(1);
    expect(store.reads).toBe(3);
  });

  it("given requests claimed ahead, when a credential new to the instance is charged, then it is spent from the claim and learns the user's mark from the read", async () => {
    await limiter.check(USER, { issue: 'mark-1' });
    store.writes = 0;

    expect(await limiter.check(USER, { issue: 'mark-other' })).toEqual({ allowed: true, mark: 'mark-1' });
    expect(store.writes).toBe(0);
    expect(store.reads).toBe(1);
  });

  it('given requests claimed ahead, when one of the credentials of the user ends (the mark changes), then the next request is refused at once, and the claim is dropped', async () => {
    await limiter.check(USER, { issue: 'mark-1' });
    store.changeMark(USER);

    expect(await limiter.check(USER, { expect: 'mark-1' })).toEqual({ allowed: false, markChanged: true });
    const withNewMark = store.marks.get(USER)!;
    store.writes = 0;
    expect(await limiter.check(USER, { expect: withNewMark })).toEqual({ allowed: true, mark: withNewMark });
    expect(store.writes).toBe(1);
  });

  it('given requests claimed ahead, when the lease runs out unspent, then the next request claims anew', async () => {
    await limiter.check(KEY);
    nowMs += LEASE_MS;
    store.writes = 0;

    await limiter.check(KEY);

    expect(store.writes).toBe(1);
  });

  it('given a lease of 2 s from the settings, when 2 s pass with a claim unspent, then the next request claims anew', async () => {
    limiter = new RateLimiter(store, { ...CONTRACT, leaseMs: 2000 }, () => nowMs);
    await limiter.check(KEY);
    nowMs += 1999;
    store.writes = 0;
    await limiter.check(KEY);
    expect(store.writes).toBe(0);

    nowMs += 1;
    await limiter.check(KEY);

    expect(store.writes).toBe(1);
  });

  it('given a lease longer than the settings allow, then it is held to MAX_RATE_LIMIT_LEASE_SECONDS', async () => {
    limiter = new RateLimiter(store, { ...CONTRACT, leaseMs: 3_600_000 }, () => nowMs);
    await limiter.check(KEY);
    nowMs += MAX_RATE_LIMIT_LEASE_SECONDS * 1000;
    store.writes = 0;

    await limiter.check(KEY);

    expect(store.writes).toBe(1);
  });

  it('given two requests left of the burst, when a client asks for more, then the claim takes the two that are left and no more pass', async () => {
    expect(await burst(78)).toBe(78);

    expect(await burst(5)).toBe(2);
    expect(store.tats.get(KEY)).toBe(nowMs * 1000 + 80 * Math.round(1_000_000 / 12));
  });

  it('given 100 concurrent requests of a new client on one instance (the local runtime), then exactly 80 pass: none is refused while the first one holds what it claimed', async () => {
    const decisions = await Promise.all(Array.from({ length: 100 }, () => limiter.check(KEY)));

    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(80);
  });

  it('given claims of one, when the settings ask for more than the burst, then a claim never exceeds the burst', async () => {
    limiter = new RateLimiter(store, { perSecond: 1, burst: 2, tokensPerClaim: 4 }, () => nowMs);

    expect(await burst(5)).toBe(2);
  });
});

describe('claims of several requests across instances, under any interleaving', () => {
  const SETTINGS = { perSecond: 12, burst: 10, tokensPerClaim: 4 };
  const INTERVAL = Math.round(1_000_000 / SETTINGS.perSecond);

  /** Steps, each some time after the last (all within a lease), of requests at once spread over three instances. */
  const histories = fc.array(
    fc.record({
      afterMs: fc.integer({ min: 0, max: 1000 }),
      instances: fc.array(fc.nat(2), { minLength: 1, maxLength: 9 }),
    }),
    { minLength: 1, maxLength: 8 },
  );

  /**
   * A store that lets `through` order its writes, and then their answers (an answer may come back after that of a
   * write applied later), and counts the requests each applied claim took.
   */
  function counting(store: InMemoryRateStore, through: (label: string) => Promise<void>) {
    let granted = 0;
    const counted = async (label: string, write: () => Promise<RateWrite>, interval: number) => {
      await through(label);
      const result = await write();
      if (result.applied) granted += Math.round(interval / INTERVAL);
      await through(`${label}'s answer`);
      return result;
    };
    const view: RateLimitStore = {
      restart: (key, now, interval, ...rest) =>
        counted('restart', () => store.restart(key, now, interval, ...rest), interval),
      advance: (key, now, interval, ...rest) =>
        counted('advance', () => store.advance(key, now, interval, ...rest), interval),
      markOf: (key) => store.markOf(key),
    };
    return { view, granted: () => granted };
  }

  it('given concurrent requests of one client on three instances, whatever order the writes land in, then every request passed was claimed, each instance holds at most three unspent, and none refuses while it holds one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), histories, async (scheduler, history) => {
        const shared = new InMemoryRateStore();
        let now = Date.parse('2026-12-03T10:00:00.000Z');
        const instances = [0, 1, 2].map(() => {
          const store = counting(shared, (label) => scheduler.schedule(Promise.resolve(), label));
          return { store, limiter: new RateLimiter(store.view, SETTINGS, () => now), allowed: 0 };
        });

        for (const step of history) {
          now += step.afterMs;
          const refusedBy = new Set<number>();
          await scheduler.waitFor(
            Promise.all(
              step.instances.map(async (i) => {
                const decision = await instances[i]!.limiter.check(KEY);
                if (decision.allowed) instances[i]!.allowed++;
                else refusedBy.add(i);
              }),
            ),
          );

          instances.forEach((instance, i) => {
            const unspent = instance.store.granted() - instance.allowed;
            expect(unspent).toBeGreaterThanOrEqual(0);
            expect(unspent).toBeLessThanOrEqual(SETTINGS.tokensPerClaim - 1);
            if (refusedBy.has(i)) expect(unspent).toBe(0);
          });
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
