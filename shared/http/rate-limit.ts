import { DEFAULT_RATE_LIMIT, MAX_RATE_LIMIT_LEASE_SECONDS } from '../config.ts';
import { RateLimited } from '../errors.ts';

/**
 * Per-client rate limits: 12 requests per second per user (all of a user's sessions and personal tokens share one
 * budget, so that more tokens buy no more requests), per client IP for requests without a valid token, bursts up
 * to 80 (the contract's numbers; RATE_LIMIT_PER_SECOND and RATE_LIMIT_BURST configure them, and
 * RATE_LIMIT_CLAIM_SIZE and RATE_LIMIT_LEASE_SECONDS the claims below).
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
 * longer limits anything), updated by conditional writes only, so concurrent Lambda instances share one limit
 * without locks or read-modify-write races. DynamoDB has no max(), so `max(tat, now) + T` is two conditional
 * updates, of which one applies:
 * - restart: SET tat = now + T        IF attribute_not_exists(tat) OR tat < now   (new or idle client)
 * - advance: SET tat = tat + T        IF tat BETWEEN now AND now + τ              (client within its burst)
 * and when neither can apply (tat > now + τ) the request is limited.
 *
 * Claims: a write may take several requests' worth of the budget at once (`tokensPerClaim`, 4 by default): the
 * restart sets tat := now + c·T, the advance tat := tat + c·T if tat <= now + τ - (c - 1)·T, for a claim of c,
 * which is what c requests at `now` would have done. The instance keeps the c - 1 it has not used yet (its lease,
 * for `leaseMs`, 10 s by default) and spends them on the client's next requests before it claims again. A client
 * whose burst has fewer than c requests left claims what is left (the refused write returns the tat, which tells
 * how many), so on one instance a burst is cut where one write per request would cut it. Each instance may hold up
 * to c - 1 claimed and unspent: a client served by n instances may pass its burst by up to n·(c - 1) after a pause
 * shorter than the lease, or be limited up to that many requests early while they sit unspent in other instances;
 * its rate over time is unchanged.
 *
 * Cost per request: a request spent from a lease costs no write. Without a credentials mark (a client IP) it costs
 * no call at all; a user's request still needs its credential proved live (shared/http/admission.ts), so it reads
 * the rate item's mark (one strongly consistent GetItem, 1 read unit: a fifth of a write's price). A claim is one
 * conditional UpdateItem (1 write unit; the item is ~100 bytes). So a busy client's request costs a read and a
 * quarter of a write; an occasional client's, whose lease runs out between requests, one write.
 *
 * Each instance remembers the last tat it saw per client and tries the update that this predicts: an idle
 * client's occasional requests start with restart; a busy client's burst (or a request while another of the
 * same client is under way in the instance) with advance; and a limited client's request with advance, which
 * fails and returns the stored tat in the same call (ReturnValuesOnConditionCheckFailure = ALL_OLD), so a
 * limited request costs one call too. Only a wrong prediction (the first request of a burst on an instance
 * that last saw the client idle, or another instance's writes in between) costs a second call; a failed
 * conditional write is still billed one write unit. A third attempt is made only when concurrent writers kept
 * changing the item between the first two; after that the request is limited. An authenticated request whose
 * credential the instance knows is charged by this one call (shared/http/admission.ts), made beside a read-only
 * route's work, or as one item of the work's own transaction (`inTransaction`: POST /v1/links, one request's
 * worth, claimed exactly), where a wrong prediction writes the transaction again. Once a minute per credential,
 * another call notes its last use (a conditional UpdateItem of the lookup item), sent at the same time, so it
 * adds no round trip to the request's wait.
 *
 * Deployed, API Gateway's stage throttling is the outer bound on the whole API; this is the per-client limit.
 */

interface RateLimitSettings {
  perSecond: number;
  burst: number;
  /** Requests' worth of budget one write claims (see above); 1 makes every request a write. */
  tokensPerClaim?: number;
  /** How long an instance may spend what it claimed; at most MAX_RATE_LIMIT_LEASE_SECONDS. */
  leaseMs?: number;
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
  /** The key's credentials mark as it stands (a strongly consistent read); undefined when it has none. */
  markOf(key: string): Promise<string | undefined>;
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
  /** The tat's step: one request's interval times `count`. */
  interval: number;
  /** How far past `now` the tat may lie for the claim to apply: τ less the claim's requests after the first. */
  tolerance: number;
  /** The requests' worth this write claims. */
  count: number;
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
/**
 * Rate items stay this long after they stop limiting anything, then DynamoDB's TTL removes them: twice the longest
 * lease a stage may set, so that the item, and its mark, outlive every lease on it.
 */
const EXPIRY_MARGIN_SECONDS = 2 * MAX_RATE_LIMIT_LEASE_SECONDS;
const ATTEMPTS = 3;
/** Bounds the per-instance memory of recent clients; forgetting costs at most one extra call per client. */
const MAX_REMEMBERED = 10_000;
/** Requests one write claims, unless the settings say otherwise (`RATE_LIMIT_CLAIM_SIZE`). */
export const TOKENS_PER_CLAIM = DEFAULT_RATE_LIMIT.tokensPerClaim;
/**
 * How long an instance may spend what it claimed, unless the settings say otherwise (`RATE_LIMIT_LEASE_SECONDS`,
 * at most MAX_RATE_LIMIT_LEASE_SECONDS, so well within EXPIRY_MARGIN_SECONDS).
 */
export const LEASE_MS = DEFAULT_RATE_LIMIT.leaseSeconds * 1000;

/** What an instance has claimed of a client's budget and not spent yet. */
interface Lease {
  tokens: number;
  /** Milliseconds since the epoch. */
  until: number;
}

export { rateKeyForIp, rateKeyForUser } from '../rate-keys.ts';

export class RateLimiter {
  private readonly interval: number;
  private readonly tolerance: number;
  private readonly tokensPerClaim: number;
  private readonly leaseMs: number;
  /** Claimed and not yet spent, per key. */
  private readonly leases = new Map<string, Lease>();
  /** The claim under way per key (of its one request that was not busy), which others wait for before refusing. */
  private readonly claiming = new Map<string, Promise<RateDecision>>();
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
    const claim = Math.floor(settings.tokensPerClaim ?? TOKENS_PER_CLAIM);
    this.tokensPerClaim = Math.max(1, Math.min(claim, Math.floor(settings.burst)));
    this.leaseMs = Math.max(0, Math.min(settings.leaseMs ?? LEASE_MS, MAX_RATE_LIMIT_LEASE_SECONDS * 1000));
  }

  /**
   * One request of `key`: spent from this instance's lease when it holds one (proving the mark `expect`s with a
   * read), else charged by a write that claims more (learning or issuing the mark). Only a request with no other
   * of its key under way on the instance claims several; one that finds the budget spent first waits for that
   * claim, and spends from it when it left some: an instance never refuses a request while it holds claimed ones.
   */
  async check(key: string, mark?: MarkCondition): Promise<RateDecision> {
    const spent = await this.spendFromLease(key, mark);
    if (spent) return spent;
    const busy = this.inFlight.has(key);
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    const deciding = this.decide(key, busy, mark);
    if (!busy) this.claiming.set(key, deciding);
    try {
      const decision = await deciding;
      if (decision.allowed || !('retryAfterSeconds' in decision)) return decision;
      const claim = this.claiming.get(key);
      if (claim && claim !== deciding) await claim.catch(() => undefined);
      return (await this.spendFromLease(key, mark)) ?? decision;
    } finally {
      if (this.claiming.get(key) === deciding) this.claiming.delete(key);
      const left = this.inFlight.get(key)! - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    }
  }

  /**
   * The request spent from this instance's lease, when it holds one: allowed once the user's mark (when one is
   * asked about) is read, and still the one `expect`ed; a credential new to the instance (`issue`) learns the mark
   * from the read as from a claim. Undefined without a lease, or when there is no mark to learn: only the claim's
   * write can issue one (the request's worth spent is then lost, in a case that does not arise: a user's rate item
   * has a mark from its first claim).
   */
  private async spendFromLease(
    key: string,
    mark: MarkCondition | undefined,
  ): Promise<RateDecision | undefined> {
    if (!this.takeLeased(key)) return undefined;
    if (!mark) return { allowed: true };
    const found = await this.store.markOf(key);
    if (!('expect' in mark)) return found === undefined ? undefined : { allowed: true, mark: found };
    if (found === mark.expect) return { allowed: true, mark: found };
    // A credential of the user ended: what was claimed under the old mark is dropped with it.
    this.leases.delete(key);
    return { allowed: false, markChanged: true };
  }

  /**
   * The charge of `key` as one item of another write's transaction, when the store can do that: the same
   * conditional writes as `check`, the request's own effects committing with it or not at all.
   */
  inTransaction(key: string, mark?: MarkCondition): TransactionalCharge | undefined {
    const { store } = this;
    if (!store.inTransaction) return undefined;
    // Exactly one request's worth: the transaction's item is written whatever the lease holds.
    let plan = this.plan(key, this.inFlight.has(key), mark, 1);
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

  /**
   * The first write of a request: the one this instance's last sight of the key predicts will apply, claiming
   * `wanted` requests' worth, or what that sight says is left of the burst. A busy key's requests claim one each,
   * so that an instance holds at most tokensPerClaim - 1 unspent.
   */
  private plan(
    key: string,
    busy: boolean,
    mark: MarkCondition | undefined,
    wanted = busy ? 1 : this.tokensPerClaim - (this.leases.get(key)?.tokens ?? 0),
  ): RatePlan {
    const now = Math.round(this.clock() * 1000);
    const seen = this.lastSeen.get(key);
    const restart = !busy && (seen === undefined || seen < now);
    const left = restart || seen === undefined ? wanted : this.requestsLeft(seen, now);
    return this.claim(restart ? 'restart' : 'advance', key, now, Math.max(1, Math.min(wanted, left)), mark);
  }

  /** A write that claims `count` requests' worth at `now`. */
  private claim(
    kind: RatePlan['kind'],
    key: string,
    now: number,
    count: number,
    mark: MarkCondition | undefined,
    attempt = 0,
  ): RatePlan {
    const interval = this.interval * count;
    const expiresAtEpoch =
      Math.ceil((now + this.tolerance + interval) / MICROS_PER_SECOND) + EXPIRY_MARGIN_SECONDS;
    const tolerance = this.tolerance - this.interval * (count - 1);
    return { kind, key, now, interval, tolerance, count, expiresAtEpoch, mark, attempt };
  }

  /** How many requests a tat at or after `now` still lets through at `now`. */
  private requestsLeft(tat: number, now: number): number {
    return Math.floor((now + this.tolerance - Math.max(tat, now)) / this.interval) + 1;
  }

  /** What a write's outcome decides, or the next write to try. */
  private settle(plan: RatePlan, write: RateWrite): { decision: RateDecision } | { next: RatePlan } {
    const { key, now, mark } = plan;
    if (write.applied) {
      this.remember(key, write.tat);
      this.lease(key, plan);
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
    // The claim asks for no more than the tat found still lets through.
    const count = restart ? plan.count : Math.min(plan.count, this.requestsLeft(tat, now));
    return { next: this.claim(restart ? 'restart' : 'advance', key, now, count, mark, plan.attempt + 1) };
  }

  /** Keeps what an applied claim took beyond its own request, for this instance's next requests of the key. */
  private lease(key: string, plan: RatePlan): void {
    if (plan.count <= 1) return;
    const held = this.leases.get(key);
    const until = plan.now / 1000 + this.leaseMs;
    if (!held && this.leases.size >= MAX_REMEMBERED) this.leases.clear();
    this.leases.set(key, { tokens: (held?.tokens ?? 0) + plan.count - 1, until });
  }

  /** Takes one request's worth of the key's lease, when this instance holds one that has not run out. */
  private takeLeased(key: string): boolean {
    const held = this.leases.get(key);
    if (!held) return false;
    if (held.until <= this.clock() || held.tokens <= 0) {
      this.leases.delete(key);
      return false;
    }
    held.tokens -= 1;
    if (held.tokens === 0) this.leases.delete(key);
    return true;
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
