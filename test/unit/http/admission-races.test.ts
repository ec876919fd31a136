import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateLimited, Unauthorized } from '../../../shared/errors.ts';
import { Admission } from '../../../shared/http/admission.ts';
import type { Authenticator, Identity } from '../../../shared/http/gate.ts';
import { RateLimiter } from '../../../shared/http/rate-limit.ts';
import { rateKeyForUser } from '../../../shared/rate-keys.ts';
import { InMemoryRateStore, writesThrough } from '../support/memory-users.ts';

/**
 * Model-based, with fast-check's scheduler deciding the order in which every lookup, charge and revocation reaches
 * the store: several instances admit requests of several credentials of two users while credentials end and new
 * ones are issued. Whatever the interleaving, a request that starts after its credential ended is refused, and a
 * request whose credential is live until it is answered is admitted. That is the gate's promise of immediate
 * revocation, kept by one conditional write per request (shared/http/admission.ts).
 */

const INSTANCES = 3;
const USERS = ['alice', 'bob'] as const;
/** Far above what a history sends, so that a refusal can only be about the credential. */
const UNLIMITED = { perSecond: 1000, burst: 1000 };
const START = Date.parse('2026-12-03T10:00:00.000Z');

type Operation =
  | { kind: 'request'; instance: number; credential: number }
  | { kind: 'end'; credential: number }
  | { kind: 'issue'; user: number };

/** A history: steps one after the other; the operations of a step at once. */
const histories = fc.array(
  fc.array(
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('request' as const),
          instance: fc.nat(INSTANCES - 1),
          credential: fc.nat(9),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('end' as const), credential: fc.nat(9) }) },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('issue' as const), user: fc.nat(USERS.length - 1) }),
      },
    ),
    { minLength: 1, maxLength: 5 },
  ),
  { minLength: 1, maxLength: 12 },
);

interface Credential {
  token: string;
  username: string;
  /** The store's tick at which it ended, once it has. */
  endedAt?: number;
}

interface Answer {
  credential: Credential;
  startedAt: number;
  answeredAt: number;
  outcome: 'admitted' | 'unauthorized' | 'limited';
}

/** The users table as the scheduler lets each call reach it: each call applies atomically, in its turn. */
class ScheduledWorld {
  tick = 0;
  readonly credentials: Credential[] = [];
  readonly rates = new InMemoryRateStore();

  constructor(private readonly scheduler: fc.Scheduler) {}

  /** `apply` runs atomically when the scheduler lets the call through; each call is one tick of the store. */
  async call<T>(label: string, apply: () => T | Promise<T>): Promise<T> {
    await this.scheduler.schedule(Promise.resolve(), label);
    this.tick++;
    return apply();
  }

  issue(username: string): void {
    this.credentials.push({ token: `token-${this.credentials.length}-${username}`, username });
  }

  /** Ending a credential deletes it and changes its user's credentials mark in one transaction. */
  end(credential: Credential): Promise<void> {
    return this.call(`end ${credential.token}`, () => {
      if (credential.endedAt !== undefined) return;
      credential.endedAt = this.tick;
      this.rates.changeMark(rateKeyForUser(credential.username));
    });
  }

  readonly authenticator: Authenticator = {
    authenticate: async (token) => {
      const credential = await this.call(`lookup ${token}`, () =>
        this.credentials.find((candidate) => candidate.token === token && candidate.endedAt === undefined),
      );
      if (!credential) throw new Unauthorized('Unknown or revoked token.');
      const identity: Identity = {
        username: credential.username,
        scope: 'write',
        tokenId: credential.token,
        expiresAt: null,
        recordUse: () => this.call(`note use of ${token}`, () => undefined),
      };
      return identity;
    },
  };

  readonly rateStore = writesThrough(this.rates, (label, apply) => this.call(label, apply));
}

async function replay(scheduler: fc.Scheduler, history: Operation[][]): Promise<Answer[]> {
  const world = new ScheduledWorld(scheduler);
  world.issue('alice');
  world.issue('alice');
  world.issue('bob');
  let nowMs = START;
  const clock = () => nowMs;
  const instances = Array.from(
    { length: INSTANCES },
    () => new Admission(world.authenticator, new RateLimiter(world.rateStore, UNLIMITED, clock), clock),
  );
  const answers: Answer[] = [];

  const request = async (instance: number, credential: Credential) => {
    const startedAt = world.tick;
    const outcome = await instances[instance]!.admit(credential.token).then(
      () => 'admitted' as const,
      (error: unknown) => {
        if (error instanceof Unauthorized) return 'unauthorized' as const;
        if (error instanceof RateLimited) return 'limited' as const;
        throw error;
      },
    );
    answers.push({ credential, startedAt, answeredAt: world.tick, outcome });
  };

  for (const step of history) {
    const pending = step.map((operation) => {
      const credential =
        world.credentials[('credential' in operation ? operation.credential : 0) % world.credentials.length]!;
      switch (operation.kind) {
        case 'request':
          return request(operation.instance, credential);
        case 'end':
          return world.end(credential);
        case 'issue':
          world.issue(USERS[operation.user]!);
          return Promise.resolve();
      }
    });
    // The step's operations finish; what they left running (an instance confirming a credential before
    // remembering it) may still be under way when the next step starts.
    await scheduler.waitFor(Promise.all(pending));
    nowMs += 250;
  }
  await scheduler.waitIdle();
  return answers;
}

describe('admission under any interleaving of requests and revocations', () => {
  it('given requests on several instances racing the ends of credentials, then a credential ended before a request started is refused, and one live until the answer is admitted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), histories, async (scheduler, history) => {
        const answers = await replay(scheduler, history);

        for (const answer of answers) {
          const { endedAt } = answer.credential;
          if (endedAt !== undefined && endedAt <= answer.startedAt)
            expect(answer).toMatchObject({ outcome: 'unauthorized' });
          if (endedAt === undefined || endedAt > answer.answeredAt)
            expect(answer).toMatchObject({ outcome: 'admitted' });
        }
      }),
      { numRuns: Number(process.env.ADMISSION_RACE_RUNS ?? 300) },
    );
  });
});
