import { config } from '../config.ts';
import { RateLimiter } from '../http/rate-limit.ts';
import { logger } from '../logger.ts';
import { DynamoRateLimitStore, DynamoSessionStore, DynamoUserStore } from './dynamodb.ts';
import { Sessions } from './sessions.ts';

let instance: Sessions | undefined;

/** The sessions core wired to its DynamoDB adapters, once per cold start. */
export function sessions(): Sessions {
  instance ??= new Sessions(new DynamoSessionStore(), new DynamoUserStore(), config().SESSION_LIFETIME_DAYS);
  return instance;
}

let limiter: RateLimiter | undefined;
let limiterUnconfigured = false;

/**
 * The per-client rate limiter on its users-table items, once per cold start; undefined (with one warning per
 * cold start) when the function was given no USERS_TABLE: the wiring declares every HTTP function rate-limited,
 * and until its stack gives it the table, API Gateway's throttling is the only bound.
 */
export function rateLimiter(): RateLimiter | undefined {
  if (limiter) return limiter;
  const table = process.env.USERS_TABLE;
  if (!table) {
    if (!limiterUnconfigured) logger.warn('rate limiting is off: this function has no USERS_TABLE');
    limiterUnconfigured = true;
    return undefined;
  }
  limiter = new RateLimiter(new DynamoRateLimitStore(table), {
    perSecond: config().RATE_LIMIT_PER_SECOND,
    burst: config().RATE_LIMIT_BURST,
  });
  return limiter;
}
