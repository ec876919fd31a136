import { RateLimited } from '../errors.ts';

/**
 * Per-client rate limits: 12 requests per second per user (all of a user's sessions and personal tokens share one
 * budget, so that more tokens buy no more requests), per client IP for requests without a valid token, bursts up
 * to 80 (the contract's numbers; RATE_LIMIT_PER_SECOND and RATE_LIMIT_BURST configure them).
 *
 * Algorithm: GCRA, the generic cell rate algorithm, a token bucket kept as a single number per client: the
 * theoretical arrival time `tat` of its next request, in microseconds since the epoch.
 * - emission interval T = 1 s / rate; burst tolerance τ = (burst - 1) · T;
 * - a request at `now` is allowed when tat <= now + τ, and then tat := max(tat, now) + T;
 * - a limited request may retry at tat - τ: Retry-After = ceil((tat - τ - now) / 1 s), at least 1.
 * A client idle for a while has tat < now: its next request starts afresh with tat := now + T and the full
 * burst ahead of it.
 *
 * Storage: one item per client in the users table (`RATE#<sha256>`, with a TTL that removes it once it no
 * longer limits anything), updated by conditional writes only, so concurrent Lambda instances share one
 * exact limit without locks or read-modify-write races. DynamoDB has no max(), so `max(tat, now) + T` is two
 * conditional updates, of which one applies:
 * - restart: SET tat = now + T        IF attribute_not_exists(tat) OR tat < now   (new or idle client)
 * - advance: SET tat = tat + T        IF tat BETWEEN now AND now + τ              (client within its burst)
 * and when neither can apply (tat > now + τ) the request is limited.
 *
 * Cost per request: one conditional UpdateItem (1 write unit; the item is ~100 bytes) on the common path.
 * Each instance remembers the last tat it saw per client and tries the update that this predicts: an idle
 * client's occasional requests start with restart; a busy client's burst (or a request while another of the
 * same client is under way in the instance) with advance; and a limited client's request with advance, which
 * fails and returns the stored tat in the same call (ReturnValuesOnConditionCheckFailure = ALL_OLD), so a
 * limited request costs one call too. Only a wrong prediction (the first request of a burst on an instance
 * that last saw the client idle, or another instance's writes in between) costs a second call; a failed
 * conditional write is still billed one write unit. A third attempt is made only when concurrent writers kept
 * changing the item between the first two; after that the request is limited. An authenticated request whose
 * credential the instance knows is charged by this one write (shared/http/admission.ts), made beside a read-only
 * route's work, or as one item of the work's own transaction (`inTransaction`: POST /v1/links), where a wrong
 * prediction writes the transaction again. Once a minute per credential, another call notes its last use (a
 * conditional UpdateItem of the lookup item), sent at the same time, so it adds no round trip to the request's wait.
 *
 * Deployed, API Gateway's stage throttling is the outer bound on the whole API; this is the per-client limit.
 */

interface RateLimitSettings {
  perSecond: number;
  burst: number;
}

/**
 * What a charge asks of a user's credentials mark (see shared/rate-keys.ts): `expect` charges only while the mark
 * is still that value; `issue` gives the item this mark when it has none. Either way the write learns the mark.
 */
export type MarkCondition = { expect: string } | { issue: string };

/**
 * The outcome of one conditional write: applied (with the new tat), or not, with the tat found (if any); with
 * the item's credentials mark when a mark condition was given.
 */
export type RateWrite =
  | { applied: true; tat: number; mark?: string | undefined }
  | { applied: false; tat: number | undefined; mark?: string | undefined };

export interface RateLimitStore {
  /** tat := now + interval, only when the key has no tat or tat < now (and the mark condition holds). */
  restart(
    key: string,
    now: number,
    interval: number,
    expiresAtEpoch: number,
    mark?: MarkCondition,
  ): Promise<RateWrite>;
  /** tat := tat + interval, only when now <= tat <= now + tolerance (and the mark condition holds). */
  advance(
    key: string,
    now: number,
    interval: number,
    tolerance: number,
    expiresAtEpoch: number,
    mark?: MarkCondition,
  ): Promise<RateWrite>;
  /**
   * The write `plan` describes as one item of another write's transaction, and how to read that item's
   * cancellation reason. Only a store whose items can join other tables' transactions offers it (DynamoDB).
   */
  inTransaction?(plan: RatePlan): { item: unknown; refusal(reason: unknown): RateWrite };
}

/** One conditional write the limiter means to make: `restart` or `advance` (see above), at `now`. */
export interface RatePlan {
  kind: 'restart' | 'advance';
  key: string;
  now: number;
  interval: number;
  tolerance: number;
  expiresAtEpoch: number;
  mark?: MarkCondition | undefined;
  /** Writes tried before this one for the same request. */
  attempt: number;
}

/**
 * A charge that travels as one item of the request's own transaction (shared/http/transaction-guard.ts): the
 * item of the current plan, and what the transaction's outcome means for it.
 */
export interface TransactionalCharge {
  item(): unknown;
  /**
   * The outcome of the transaction that held `item()`: undefined when it committed (the charge is made), else the
   * item's cancellation reason. A decision when the item refused; 'again' when the limiter predicted the wrong
   * write and the transaction should be tried anew with `item()`; 'passed' when the item did not refuse.
   */
  settle(reason: { Code?: string | undefined } | undefined): RateDecision | 'again' | 'passed' | 'committed';
}

/** A charge's outcome: allowed (with the mark, when one was asked about), limited, or refused by a changed mark. */
export type RateDecision =
  | { allowed: true; mark?: string | undefined }
  | { allowed: false; retryAfterSeconds: number }
  | { allowed: false; markChanged: true };

const MICROS_PER_SECOND = 1_000_000;
/** Rate items stay this long after they stop limiting anything, then DynamoDB's TTL removes them. */
const EXPIRY_MARGIN_SECONDS = 60;
const ATTEMPTS = 3;
/** Bounds the per-instance memory of recent clients; forgetting costs at most one extra call per client. */
const MAX_REMEMBERED = 10_000;

export { rateKeyForIp, rateKeyForUser } from '../rate-keys.ts';

export class RateLimiter {
  private readonly interval: number;
  private readonly tolerance: number;
  /** The last tat this instance saw per key: predicts which conditional update will apply. */
  private readonly lastSeen = new Map<string, number>();
  /** Checks under way per key: while one is, the key is busy (a process serving many requests at once). */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly store: RateLimitStore,
    settings: RateLimitSettings,
    /** Milliseconds since the epoch. */
    private readonly clock: () => number = () => Date.now(),
  ) {
    this.interval = Math.max(1, Math.round(MICROS_PER_SECOND / settings.perSecond));
    this.tolerance = this.interval * Math.max(0, Math.floor(settings.burst) - 1);
  }

  async check(key: string, mark?: MarkCondition): Promise<RateDecision> {
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    try {
      return await this.decide(key, this.inFlight.get(key)! > 1, mark);
    } finally {
      const left = this.inFlight.get(key)! - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    }
  }

  /**
   * The charge of `key` as one item of another write's transaction, when the store can do that: the same
   * conditional writes as `check`, the request's own effects committing with it or not at all.
   */
  inTransaction(key: string, mark?: MarkCondition): TransactionalCharge | undefined {
    const { store } = this;
    if (!store.inTransaction) return undefined;
    let plan = this.plan(key, this.inFlight.has(key), mark);
    return {
      item: () => store.inTransaction!(plan).item,
      settle: (reason) => {
        if (reason === undefined) {
          // A transaction returns no values: the new tat is max(tat, now) + T with the tat last seen.
          this.remember(key, Math.max(this.lastSeen.get(key) ?? plan.now, plan.now) + plan.interval);
          return 'committed';
        }
        if (reason.Code !== 'ConditionalCheckFailed') return 'passed';
        const outcome = this.settle(plan, store.inTransaction!(plan).refusal(reason));
        if ('decision' in outcome) return outcome.decision;
        plan = outcome.next;
        return 'again';
      },
    };
  }

  private async decide(key: string, busy: boolean, mark: MarkCondition | undefined): Promise<RateDecision> {
    let plan = this.plan(key, busy, mark);
    for (;;) {
      const write =
        plan.kind === 'restart'
          ? await this.store.restart(key, plan.now, plan.interval, plan.expiresAtEpoch, mark)
          : await this.store.advance(key, plan.now, plan.interval, plan.tolerance, plan.expiresAtEpoch, mark);
      const outcome = this.settle(plan, write);
      if ('decision' in outcome) return outcome.decision;
      plan = outcome.next;
    }
  }

  /** The first write of a request: the one this instance's last sight of the key predicts will apply. */
  private plan(key: string, busy: boolean, mark: MarkCondition | undefined): RatePlan {
    const now = Math.round(this.clock() * 1000);
    const expiresAtEpoch =
      Math.ceil((now + this.tolerance + this.interval) / MICROS_PER_SECOND) + EXPIRY_MARGIN_SECONDS;
    const seen = this.lastSeen.get(key);
    const restart = !busy && (seen === undefined || seen < now);
    return {
      kind: restart ? 'restart' : 'advance',
      key,
      now,
      interval: this.interval,
      tolerance: this.tolerance,
      expiresAtEpoch,
      mark,
      attempt: 0,
    };
  }

  /** What a write's outcome decides, or the next write to try. */
  private settle(plan: RatePlan, write: RateWrite): { decision: RateDecision } | { next: RatePlan } {
    const { key, now, mark } = plan;
    if (write.applied) {
      this.remember(key, write.tat);
      return { decision: { allowed: true, mark: write.mark } };
    }
    // A credential of the user ended since the caller's was verified: that comes before any limit.
    if (mark && 'expect' in mark && write.mark !== mark.expect) {
      return { decision: { allowed: false, markChanged: true } };
    }
    const tat = write.tat;
    if (tat !== undefined && tat > now + this.tolerance) {
      this.remember(key, tat);
      const wait = (tat - this.tolerance - now) / MICROS_PER_SECOND;
      return { decision: { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) } };
    }
    // Other requests of the same client kept changing its item between our writes: it is that busy.
    if (plan.attempt + 1 >= ATTEMPTS) return { decision: { allowed: false, retryAfterSeconds: 1 } };
    const restart = tat === undefined || tat < now;
    return { next: { ...plan, kind: restart ? 'restart' : 'advance', attempt: plan.attempt + 1 } };
  }

  /** Throws RateLimited (429 with Retry-After) when the key is over its limit. */
  async enforce(key: string): Promise<void> {
    const decision = await this.check(key);
    if (!decision.allowed && 'retryAfterSeconds' in decision) throw rateLimited(decision.retryAfterSeconds);
  }

  private remember(key: string, tat: number): void {
    if (this.lastSeen.size >= MAX_REMEMBERED) this.lastSeen.clear();
    this.lastSeen.set(key, tat);
  }
}

/** The 429 of a refused request. */
export function rateLimited(retryAfterSeconds: number): RateLimited {
  return new RateLimited(`Too many requests; try again in ${retryAfterSeconds} s.`, retryAfterSeconds);
}
