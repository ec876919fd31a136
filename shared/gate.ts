import { config, requiredEnv } from './config.ts';
import type { Authenticator, Gate } from './http/gate.ts';
import { Admission } from './http/admission.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { DynamoRateLimitStore } from './http/rate-limit-store.ts';
import { logger } from './logger.ts';
import { sessions } from './users/service.ts';

/**
 * The composition root of the HTTP gate: the users context's sessions answer who is calling, and the limiter
 * counts on its own items of the users table. It stands outside shared/http and shared/users so that neither
 * folder imports the other.
 */

/**
 * Looks the sessions up on first use: public routes never need them, nor their table. Noting a credential's last
 * use is bookkeeping: when it fails (throttling), the request still goes on, and a later one notes it.
 */
const sessionAuthenticator: Authenticator = {
  authenticate: async (token) => {
    const identity = await sessions().authenticate(token);
    return {
      ...identity,
      recordUse: () =>
        identity.recordUse().catch((error: unknown) => {
          logger.warn('could not note the last use of a credential', { error: error as Error });
        }),
    };
  },
};

let limiter: RateLimiter | undefined;
let built: Gate | undefined;
let replacement: Gate | undefined;

/** The gate of this process: its parts are built on first use, once per cold start. */
export function gate(): Gate {
  if (replacement) return replacement;
  built ??= { admission: new Admission(sessionAuthenticator, rateLimiter()), rateLimiter: rateLimiter() };
  return built;
}

/** Tests install a gate over in-memory stores here; undefined restores the DynamoDB wiring. */
export function setGateForTests(gate: Gate | undefined): void {
  replacement = gate;
}

/**
 * The per-client rate limiter on its users-table items. Every HTTP function gets USERS_TABLE: the wiring
 * declares each one rate-limited (`rateLimiting`), and the CDK app and the local runtime both name the table.
 */
function rateLimiter(): RateLimiter {
  limiter ??= new RateLimiter(new DynamoRateLimitStore(requiredEnv('USERS_TABLE')), {
    perSecond: config().RATE_LIMIT_PER_SECOND,
    burst: config().RATE_LIMIT_BURST,
    tokensPerClaim: config().RATE_LIMIT_CLAIM_SIZE,
    leaseMs: config().RATE_LIMIT_LEASE_SECONDS * 1000,
  });
  return limiter;
}
