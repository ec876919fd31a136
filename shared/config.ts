import * as z from './zod.ts';

/**
 * The contract's per-client rate limit (shared/http/rate-limit.ts): 12 requests per second per user or client
 * IP, bursts up to 80; and how the limiter spends it: one write of a client's rate item claims up to 4 requests,
 * which its Lambda instance may spend for 10 s. Every stage deploys these (lib/stage.ts); a function whose
 * environment names no others (the local runtime, tests) uses them too.
 */
export const DEFAULT_RATE_LIMIT = { perSecond: 12, burst: 80, tokensPerClaim: 4, leaseSeconds: 10 } as const;

/**
 * The longest lease a stage may set. A rate item outlives its last claim by twice this (shared/http/rate-limit.ts),
 * so that the item, and its credentials mark, are there for every request spent from a lease.
 */
export const MAX_RATE_LIMIT_LEASE_SECONDS = 30;

/** A whole number from the environment, held to `checks`, or `fallback` where the variable is unset. */
export const integerSetting = (fallback: number, ...checks: z.core.$ZodCheck<number>[]) =>
  z._default(z.coerce.number().check(z.int(), ...checks), fallback);

/** A flag from the environment, `true` or `false`, or `fallback` where the variable is unset. */
export const flagSetting = (fallback: 'true' | 'false') =>
  z.pipe(
    z._default(z.enum(['true', 'false']), fallback),
    z.transform((value) => value === 'true'),
  );

/** A whole number above zero from the environment, or `fallback` where the variable is unset. */
const positiveInteger = (fallback: number) => integerSetting(fallback, z.positive());

const settingsSchema = z.object({
  MAX_LINKS_PER_USER: positiveInteger(10_000),
  SESSION_LIFETIME_DAYS: z._default(z.coerce.number().check(z.positive()), 30),
  /** Live login sessions per user at most: a login past it ends the user's oldest (keeps the table bounded). */
  MAX_SESSIONS_PER_USER: positiveInteger(20),
  APP_VERSION: z._default(z.string(), '0.1.0'),
  /** Per-client rate limit (shared/http/rate-limit.ts): sustained requests per second per user or client IP. */
  RATE_LIMIT_PER_SECOND: z._default(z.coerce.number().check(z.positive()), DEFAULT_RATE_LIMIT.perSecond),
  /** ...and the burst a client may send at once. */
  RATE_LIMIT_BURST: positiveInteger(DEFAULT_RATE_LIMIT.burst),
  /**
   * Requests one write of a client's rate item claims for its instance: 1 makes every request a write, exact
   * across instances; more save writes, and let a client served by n instances pass its burst by up to
   * (claim - 1) x n after a short pause.
   */
  RATE_LIMIT_CLAIM_SIZE: positiveInteger(DEFAULT_RATE_LIMIT.tokensPerClaim),
  /** Seconds an instance may spend what it claimed before it claims anew. */
  RATE_LIMIT_LEASE_SECONDS: integerSetting(
    DEFAULT_RATE_LIMIT.leaseSeconds,
    z.positive(),
    z.lte(MAX_RATE_LIMIT_LEASE_SECONDS),
  ),
  /** An export larger than this many bytes goes to the exports bucket and is answered with a 302 to it. */
  EXPORT_INLINE_LIMIT_BYTES: positiveInteger(5_000_000),
  /**
   * The site's public URL (`https://links.example.com`), set by the deployment: feeds and pages link there, not
   * to the host a request reached (behind CloudFront, that is API Gateway's own). Unset, the request's host.
   */
  SERVICE_URL: z.optional(
    z.pipe(
      z.url({ protocol: /^https?$/ }),
      z.transform((url: string) => url.replace(/\/+$/, '')),
    ),
  ),
  /**
   * Authors with more followers than this are not fanned out: their followers read their events from the
   * author's timeline at news time (shared/news/core.ts, LargeAudiences). They stay large until their followers
   * fall below 90% of it.
   */
  NEWS_LARGE_AUTHOR_FOLLOWERS: positiveInteger(10_000),
  /** Set by the local runtime; unlocks local-only routes such as POST /dev/login. */
  LOCAL_RUNTIME: flagSetting('false'),
});

type Settings = z.infer<typeof settingsSchema>;

let settings: Settings | undefined;

/** Settings read and validated once per cold start; a bad value fails with a message naming the variable. */
export function config(): Settings {
  settings ??= readSettings(process.env);
  return settings;
}

/** The settings that `env` gives; a bad value throws `Invalid configuration`, naming the variable. */
export function readSettings(env: Record<string, string | undefined>): Settings {
  return parseSettings(settingsSchema, env, 'configuration');
}

/** The settings `schema` reads from `env`; a bad value throws `Invalid <what>`, naming each variable and its fault. */
export function parseSettings<S extends z.core.$ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  what: string,
): z.output<S> {
  const parsed = z.safeParse(schema, env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid ${what}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/**
 * A resource name the deployment passes in (a table, queue or bucket): read when the adapter is created, at
 * cold start, and fatal when missing, with a message that names the variable.
 */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`Missing environment variable ${name}: the deployment sets it to a resource name.`);
  return value;
}
