import * as z from 'zod';
import { AddressAllowlist } from './ip-ranges.ts';

/**
 * The link checker's settings, read and validated once per cold start (a bad value fails with a message that
 * names the variable). Every one has a default fit for production; tests shorten the timeouts.
 *
 * | variable                            | default   | meaning                                                      |
 * |-------------------------------------|-----------|--------------------------------------------------------------|
 * | LINK_CHECKER_CONNECT_TIMEOUT_MS     | 5000      | to open the TCP connection                                   |
 * | LINK_CHECKER_TOTAL_TIMEOUT_MS       | 10000     | one fetch, redirects and body included                       |
 * | LINK_CHECKER_MAX_BODY_BYTES         | 2097152   | the body read stops here (2 MiB); the rest is never read      |
 * | LINK_CHECKER_MAX_REDIRECTS          | 5         | redirects followed, each one vetted again                    |
 * | LINK_CHECKER_ATTEMPTS               | 3         | tries when a failure is transient (timeout, 429, 503, 504)   |
 * | LINK_CHECKER_RETRY_BASE_MS          | 1000      | first backoff; it doubles per attempt, with jitter           |
 * | LINK_CHECKER_STALE_DAYS             | 7         | the schedule re-checks links not checked for this long       |
 * | LINK_CHECKER_RECHECK_PER_USER       | 1000      | at most this many of one user's links per scheduled run      |
 * | LINK_CHECKER_SNAPSHOTS_KEPT         | 3         | snapshots kept per link, newest first                        |
 * | LINK_CHECKS_ENABLED                 | true      | `false`: new links are not queued for checks (test runtimes) |
 * | LINK_CHECKER_ALLOW_HOSTS            | (empty)   | TESTS AND LOCAL DEMOS ONLY, see below                        |
 * | LINK_CHECKER_ALLOWLIST_ONLY         | false     | TESTS ONLY: refuse every address not on the allowlist        |
 *
 * LINK_CHECKER_ALLOW_HOSTS lists IP addresses or CIDR ranges (never names: the allowlist judges the address a
 * name resolves to) that the SSRF guard admits although they are loopback or private, so that tests and local
 * demos can check a page served on 127.0.0.1. It is empty by default and must stay empty on a deployed stack;
 * the CDK never sets it. LINK_CHECKER_ALLOWLIST_ONLY makes the checker refuse everything else, resolving no name
 * but `localhost`: test runtimes set it so that no test ever sends a request off the machine.
 */
const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((value) => value === 'true');

const settingsSchema = z.object({
  LINK_CHECKER_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  LINK_CHECKER_TOTAL_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  LINK_CHECKER_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024),
  LINK_CHECKER_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  LINK_CHECKER_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  LINK_CHECKER_RETRY_BASE_MS: z.coerce.number().int().min(0).default(1_000),
  LINK_CHECKER_STALE_DAYS: z.coerce.number().positive().default(7),
  LINK_CHECKER_RECHECK_PER_USER: z.coerce.number().int().positive().default(1_000),
  LINK_CHECKER_SNAPSHOTS_KEPT: z.coerce.number().int().positive().default(3),
  LINK_CHECKS_ENABLED: flag('true'),
  LINK_CHECKER_ALLOW_HOSTS: z
    .string()
    .default('')
    .transform((value, context) => {
      try {
        return AddressAllowlist.parse(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  LINK_CHECKER_ALLOWLIST_ONLY: flag('false'),
});

export type CheckerSettings = z.infer<typeof settingsSchema>;

let settings: CheckerSettings | undefined;

export function checkerConfig(): CheckerSettings {
  if (settings) return settings;
  settings = parseCheckerSettings(process.env);
  return settings;
}

export function parseCheckerSettings(env: Record<string, string | undefined>): CheckerSettings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid link checker configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
