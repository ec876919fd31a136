import * as z from '../zod.ts';
import { AddressAllowlist } from './ip-ranges.ts';
import { flagSetting, integerSetting, parseSettings } from '../config.ts';
import { CHECKER_CONFIGURATION, scheduleSettingsSchema } from './schedule-config.ts';

/** The address allowlist the variable lists; a bad entry is an issue that names the variable. */
const allowlist = z.transform((value: string, context) => {
  try {
    return AddressAllowlist.parse(value);
  } catch (error) {
    context.issues.push({ code: 'custom', message: (error as Error).message, input: value });
    return z.NEVER;
  }
});

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
 * The dispatcher and the schedule, which queue checks but make none, read only the schedule's settings
 * (LINK_CHECKER_STALE_DAYS, LINK_CHECKER_RECHECK_PER_USER, LINK_CHECKS_ENABLED: schedule-config.ts), so that they
 * do not load the address allowlist's parser at each cold start.
 *
 * LINK_CHECKER_ALLOW_HOSTS lists IP addresses or CIDR ranges (never names: the allowlist judges the address a
 * name resolves to) that the SSRF guard admits although they are loopback or private, so that tests and local
 * demos can check a page served on 127.0.0.1. It is empty by default and must stay empty on a deployed stack;
 * the CDK never sets it. LINK_CHECKER_ALLOWLIST_ONLY makes the checker refuse everything else, resolving no name
 * but `localhost`: test runtimes set it so that no test ever sends a request off the machine.
 */
const settingsSchema = z.extend(scheduleSettingsSchema, {
  LINK_CHECKER_CONNECT_TIMEOUT_MS: integerSetting(5_000, z.positive()),
  LINK_CHECKER_TOTAL_TIMEOUT_MS: integerSetting(10_000, z.positive()),
  LINK_CHECKER_MAX_BODY_BYTES: integerSetting(2 * 1024 * 1024, z.positive()),
  LINK_CHECKER_MAX_REDIRECTS: integerSetting(5, z.gte(0), z.lte(20)),
  LINK_CHECKER_ATTEMPTS: integerSetting(3, z.gte(1), z.lte(10)),
  LINK_CHECKER_RETRY_BASE_MS: integerSetting(1_000, z.gte(0)),
  LINK_CHECKER_SNAPSHOTS_KEPT: integerSetting(3, z.positive()),
  LINK_CHECKER_ALLOW_HOSTS: z.pipe(z._default(z.string(), ''), allowlist),
  LINK_CHECKER_ALLOWLIST_ONLY: flagSetting('false'),
});

export type CheckerSettings = z.infer<typeof settingsSchema>;

let settings: CheckerSettings | undefined;

export function checkerConfig(): CheckerSettings {
  if (settings) return settings;
  settings = parseCheckerSettings(process.env);
  return settings;
}

export function parseCheckerSettings(env: Record<string, string | undefined>): CheckerSettings {
  return parseSettings(settingsSchema, env, CHECKER_CONFIGURATION);
}
