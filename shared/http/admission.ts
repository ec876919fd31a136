import { createHash, randomBytes } from 'node:crypto';
import type { Authenticator, Identity } from './gate.ts';
import { rateKeyForUser, rateLimited, type RateLimiter } from './rate-limit.ts';

/** A credential's last use is noted at most this often per instance (the store keeps it to once a minute). */
const USE_NOTED_EVERY_MS = 60 * 1000;
/** Bounds the per-instance memory of verified credentials; forgetting costs one lookup per credential. */
const MAX_REMEMBERED = 10_000;

/** A credential this instance has verified, recalled for a request (Admission.recall). */
export interface Recalled {
  readonly identity: Identity;
  readonly token: string;
  readonly key: string;
  readonly verified: Verified;
}

/** A recalled credential's charge as an item of the request's transaction (see TransactionalCharge). */
export interface ChargeInTransaction {
  item(): unknown;
  settle(reason: { Code?: string | undefined } | undefined): 'again' | 'passed' | 'committed';
}

/** The charge's transaction met a changed credentials mark: the credential is to be looked up again. */
export class CredentialsChanged extends Error {
  constructor() {
    super("one of the user's credentials ended since this one was verified");
  }
}

interface Verified {
  identity: Identity;
  /** The user's credentials mark when the credential was last found live. */
  mark: string;
  /** When this instance last had the credential's use noted. */
  notedAt: number;
}

/**
 * Admits an authenticated request in one DynamoDB round trip: checks that its credential is still live and charges
 * its user's rate limit, with one call on the user's rate item: a conditional write that claims requests, or, for
 * a request spent from what this instance claimed before, a strongly consistent read of the item's mark.
 *
 * What a credential is (its user, scope, id and expiry) never changes; only whether it still exists does. So an
 * instance remembers the credentials it has verified, and with each one the user's credentials mark (a random
 * value on the user's rate item that changes, in the same transaction, whenever one of the user's credentials
 * ends: logout, a deleted token, logout everywhere, the account's deletion, a login past the session cap). A
 * remembered credential's request is then one call: the GCRA claim, conditional on the mark being unchanged, or
 * the read of the mark when the instance still holds claimed requests (shared/http/rate-limit.ts). A changed
 * mark means some credential of the user ended: the request forgets what it knew and looks its credential up
 * again, so a revoked one is refused at once, and the others pay one lookup each.
 *
 * That call need not come before the work: `recall` gives a remembered credential's identity without a call, and
 * the gate (shared/http/handler.ts) then charges it beside a read-only route's work (`charge`), or within the
 * work's own transaction (`chargeInTransaction`), answering the refusal whatever the work found. Effects never
 * precede the charge: a read-only work has none, and a transaction's commit is the charge's own.
 *
 * The first request of a credential on an instance looks it up (one strongly consistent GetItem), then charges
 * while learning the mark (giving the item one if it has none): two calls, as before. The credential is
 * remembered only after a second lookup, made after the charge and off the request's path, still finds it: a
 * credential that ended between the first lookup and the charge changed the mark before that second lookup, so
 * it is never remembered under a mark that postdates its end.
 *
 * The budget stays per user (all of a user's sessions and tokens share one item, as the contract says), at the
 * price of the first-use lookup per credential and instance; the limiter's counter on each credential's own item
 * would have made every request one call but given each token a budget of its own.
 */
export class Admission {
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly authenticator: Authenticator,
    private readonly limiter: RateLimiter,
    /** Milliseconds since the epoch. */
    private readonly clock: () => number = () => Date.now(),
    private readonly newMark: () => string = () => randomBytes(12).toString('base64url'),
  ) {}

  /** The caller behind `token`, charged: Unauthorized (missing, unknown, expired, revoked) or RateLimited. */
  async admit(token: string | undefined): Promise<Identity> {
    if (token === undefined) return this.authenticator.authenticate(token);
    const recalled = this.recall(token);
    return recalled ? this.charge(recalled) : this.lookUp(token);
  }

  /**
   * The credential behind `token` when this instance has verified it (and it has not expired), known without a
   * call: the request still has to be charged (`charge`, or `chargeInTransaction`) before any of its effects.
   */
  recall(token: string | undefined): Recalled | undefined {
    if (token === undefined) return undefined;
    const key = createHash('sha256').update(token).digest('base64url');
    const known = this.verified.get(key);
    if (!known) return undefined;
    if (known.identity.expiresAt !== null && Date.parse(known.identity.expiresAt) <= this.clock()) {
      this.verified.delete(key);
      return undefined;
    }
    return { identity: known.identity, token, key, verified: known };
  }

  /** Charges a recalled credential: one call (a claim, or a read of the mark); a changed mark looks it up again. */
  async charge(recalled: Recalled): Promise<Identity> {
    const noted = this.noteUse(recalled.verified, this.clock());
    const decision = await this.limiter.check(rateKeyForUser(recalled.identity.username), {
      expect: recalled.verified.mark,
    });
    await noted;
    if (decision.allowed) return recalled.identity;
    if ('retryAfterSeconds' in decision) throw rateLimited(decision.retryAfterSeconds);
    return this.lookUpAgain(recalled);
  }

  /**
   * The charge of a recalled credential as one item of the request's own transaction, when the limiter's store
   * can join one: its `settle` throws RateLimited for a spent budget and CredentialsChanged for a changed mark
   * (then `lookUpAgain`). Undefined when the store cannot: the request is then charged before its work.
   */
  chargeInTransaction(recalled: Recalled): ChargeInTransaction | undefined {
    const charge = this.limiter.inTransaction(rateKeyForUser(recalled.identity.username), {
      expect: recalled.verified.mark,
    });
    if (!charge) return undefined;
    let noted = false;
    return {
      item: () => {
        // Noted beside the transaction, once, as beside the plain charge.
        if (!noted) void this.noteUse(recalled.verified, this.clock());
        noted = true;
        return charge.item();
      },
      settle: (reason) => {
        const outcome = charge.settle(reason);
        if (typeof outcome === 'string') return outcome;
        if (outcome.allowed) return 'committed';
        if ('retryAfterSeconds' in outcome) throw rateLimited(outcome.retryAfterSeconds);
        throw new CredentialsChanged();
      },
    };
  }

  /** After a changed mark: one of the user's credentials ended, maybe this one; forget it and look it up. */
  lookUpAgain(recalled: Recalled): Promise<Identity> {
    this.verified.delete(recalled.key);
    return this.lookUp(recalled.token);
  }

  /** A credential this instance does not know: looked up, then charged while learning the user's mark. */
  private async lookUp(token: string): Promise<Identity> {
    const key = createHash('sha256').update(token).digest('base64url');
    const identity = await this.authenticator.authenticate(token);
    const [decision] = await Promise.all([
      this.limiter.check(rateKeyForUser(identity.username), { issue: this.newMark() }),
      identity.recordUse(),
    ]);
    if (!decision.allowed) {
      throw rateLimited('retryAfterSeconds' in decision ? decision.retryAfterSeconds : 1);
    }
    if (decision.mark !== undefined) void this.remember(key, token, identity, decision.mark);
    return identity;
  }

  /** Remembers the credential under `mark` once a lookup made after the mark was read still finds it. */
  private async remember(key: string, token: string, identity: Identity, mark: string): Promise<void> {
    try {
      await this.authenticator.authenticate(token);
    } catch {
      return; // gone, or the lookup failed: the next request looks it up again
    }
    if (this.verified.size >= MAX_REMEMBERED) this.verified.clear();
    this.verified.set(key, { identity, mark, notedAt: this.clock() });
  }

  /** Notes the credential's use, beside the charge, when this instance has not for a minute. */
  private async noteUse(known: Verified, now: number): Promise<void> {
    if (now - known.notedAt < USE_NOTED_EVERY_MS) return;
    known.notedAt = now;
    await known.identity.recordUse();
  }
}
