import type { LinkRef } from '../links/checks.ts';
import type { RetryPolicy } from '../retry.ts';
import type { LinkChange } from '../links/stream.ts';
import type { CheckRequest, FetchedPage, Verdict } from './model.ts';
import type {
  CheckedLinks,
  CheckQueue,
  FetchOutcome,
  PageFetcher,
  SnapshotStore,
  StaleLinks,
} from './ports.ts';
import { extractText } from './page-text.ts';
import { decodePage, extractTitle, isHtml } from './title.ts';
import { cutText } from '../text.ts';

/**
 * The link checker's core: plain TypeScript, no AWS and no sockets; everything outside comes in through ports.
 *
 * Pipeline: the links stream -> enqueueLinkChecks (planForChange) -> the linkChecks queue -> checkLink
 * (LinkCheckService) -> the link's status on the links table, the page's snapshot in S3. A daily schedule
 * (recheckStaleLinks, Rechecker) queues the links not checked for 7 days.
 *
 * Decisions:
 * - What triggers a check: a new link (INSERT), or a link whose URL changed. Never another MODIFY: edits of the
 *   title, tags or privacy do not repeat a check, and the checker's own status write (a MODIFY) cannot trigger
 *   one. A deleted link (REMOVE) loses its snapshots.
 * - How a URL is probed: on a link's first check (checked_at still null), GET, which also takes the snapshot.
 *   Later, HEAD, and GET only when HEAD answers 405 or 501 (servers that do not implement HEAD).
 * - The verdict: a final 2xx (after at most 5 redirects) is `valid`; 4xx, 5xx, a DNS failure, a refusal by the
 *   SSRF guard, a connection or TLS failure, a timeout or too many redirects is `invalid`. `http_status` is the
 *   final status (null without one), `checked_at` when the verdict was reached, `check_reason` a short why.
 * - Retries: transient failures (timeouts, connection resets, DNS SERVFAIL, HTTP 429, 503 and 504) are tried
 *   again, up to `attempts` in all, with exponential backoff and jitter (a Retry-After header, capped, wins).
 *   Anything else is final at once; a refusal is never retried.
 * - Recording: conditional (never resurrects a deleted link, never replaces a later check); the page's title
 *   fills an empty title only. A snapshot whose check could not be recorded is deleted again, so that a link
 *   deleted during its check leaves nothing behind. The newest `snapshotsKept` snapshots per link are kept (pruned
 *   after each later check that took one; a first check has nothing to prune).
 * - Idempotence: a request for a link already checked at or after the request's time is skipped, so a
 *   redelivered message costs a read, not a fetch.
 */

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** In [0, 1): backoff jitter. */
  random(): number;
}

const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
  random: Math.random,
};

/**
 * How a URL is probed again after a transient answer: the shared policy's numbers (attempts in all, the first
 * backoff doubling per attempt, and a cap that no backoff nor Retry-After exceeds), without its `giveUp`: running
 * out of attempts is a verdict here, not an error.
 */
export type ProbePolicy = Pick<RetryPolicy, 'attempts' | 'baseDelayMs' | 'maxDelayMs'>;

/** Statuses worth asking again: rate limited, unavailable, gateway timeout. */
const TRANSIENT_STATUSES = new Set([429, 503, 504]);
/** Servers that do not implement HEAD answer these; GET decides instead. */
const HEAD_UNSUPPORTED = new Set([405, 501]);
const MAX_REASON_LENGTH = 200;

function isTransient(outcome: FetchOutcome): boolean {
  if (outcome.kind === 'failed') return outcome.transient;
  return outcome.kind === 'response' && TRANSIENT_STATUSES.has(outcome.status);
}

/** Probes URLs and decides whether they are valid: the verdict logic and the retry policy. */
export class LinkChecker {
  constructor(
    private readonly fetcher: PageFetcher,
    private readonly policy: ProbePolicy,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Its own loop rather than shared/retry.ts: when the attempts run out, the last outcome is the verdict (not an
   * error), and each wait depends on that outcome (a server's Retry-After), with equal jitter so that a server
   * that asked for time is never asked again at once.
   */
  async check(url: string, options: { firstCheck: boolean }): Promise<Verdict> {
    let attempt = 0;
    let outcome: FetchOutcome;
    for (;;) {
      attempt++;
      outcome = await this.probe(url, options.firstCheck);
      if (!isTransient(outcome) || attempt >= this.policy.attempts) break;
      await this.clock.sleep(this.backoff(attempt, outcome));
    }
    return this.verdict(outcome, attempt);
  }

  /** GET on a first check; otherwise HEAD, then GET if the server does not do HEAD. */
  private async probe(url: string, firstCheck: boolean): Promise<FetchOutcome> {
    if (!firstCheck) {
      const head = await this.fetcher.fetch(url, 'HEAD');
      if (head.kind !== 'response' || !HEAD_UNSUPPORTED.has(head.status)) return head;
    }
    return this.fetcher.fetch(url, 'GET');
  }

  /** Exponential with equal jitter: half the delay fixed, half random. Retry-After wins, within the cap. */
  backoff(attempt: number, outcome: FetchOutcome): number {
    const retryAfter = outcome.kind === 'response' ? outcome.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) return Math.min(this.policy.maxDelayMs, retryAfter * 1000);
    const delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(delay / 2 + (this.clock.random() * delay) / 2);
  }

  private verdict(outcome: FetchOutcome, attempts: number): Verdict {
    const checkedAt = this.clock.now().toISOString();
    const retried = attempts > 1 ? ` after ${attempts} attempts` : '';
    switch (outcome.kind) {
      case 'refused':
        return {
          status: 'invalid',
          httpStatus: null,
          reason: short(`refused: ${outcome.reason}`),
          checkedAt,
          attempts,
        };
      case 'failed':
        return {
          status: 'invalid',
          httpStatus: null,
          reason: short(`${outcome.reason}${retried}`),
          checkedAt,
          attempts,
        };
      case 'response': {
        const ok = outcome.status >= 200 && outcome.status < 300;
        const verdict: Verdict = {
          status: ok ? 'valid' : 'invalid',
          httpStatus: outcome.status,
          reason: short(`HTTP ${outcome.status}${ok ? '' : retried}`),
          checkedAt,
          attempts,
        };
        if (ok && outcome.method === 'GET' && outcome.body && isHtml(outcome.contentType)) {
          const page: FetchedPage = {
            url: outcome.url,
            httpStatus: outcome.status,
            contentType: outcome.contentType!,
            body: outcome.body,
            truncated: outcome.truncated ?? false,
            fetchedAt: checkedAt,
          };
          verdict.page = page;
          // Decoded once for both readings of the page.
          const html = decodePage(page.body, page.contentType);
          const title = extractTitle(html);
          if (title) verdict.title = title;
          verdict.text = extractText(html);
        }
        return verdict;
      }
    }
  }
}

function short(reason: string): string {
  return reason.length <= MAX_REASON_LENGTH ? reason : `${cutText(reason, MAX_REASON_LENGTH - 1)}…`;
}

type CheckReport =
  | { outcome: 'skipped'; why: 'link gone' | 'checked since requested' }
  | { outcome: 'discarded'; why: 'gone' | 'superseded'; verdict: Verdict }
  | { outcome: 'recorded'; verdict: Verdict; titleFilled: boolean; snapshotKey?: string };

/** One check request, start to finish: read the link, probe it, keep the snapshot, record the verdict. */
export class LinkCheckService {
  constructor(
    private readonly links: CheckedLinks,
    private readonly checker: LinkChecker,
    private readonly snapshots: SnapshotStore,
    private readonly options: { snapshotsKept: number },
  ) {}

  async handle(request: CheckRequest): Promise<CheckReport> {
    const link = await this.links.get(request.username, request.url);
    if (!link) return { outcome: 'skipped', why: 'link gone' };
    if (link.checked_at !== null && link.checked_at >= request.requestedAt) {
      return { outcome: 'skipped', why: 'checked since requested' };
    }
    const ref = { username: link.username, url: link.url };
    const verdict = await this.checker.check(link.url, { firstCheck: link.checked_at === null });
    // Stored before the verdict is recorded, and deleted again if the record does not land: never orphaned.
    const snapshotKey = verdict.page ? await this.snapshots.save(ref, verdict.page, verdict.text) : undefined;
    const result = await this.links.recordCheck(link.username, link.url, {
      status: verdict.status,
      httpStatus: verdict.httpStatus,
      checkedAt: verdict.checkedAt,
      reason: verdict.reason,
      ...(link.title === '' && verdict.title ? { title: verdict.title } : {}),
    });
    if (!result.written) {
      if (snapshotKey) await this.snapshots.remove(snapshotKey);
      return { outcome: 'discarded', why: result.why, verdict };
    }
    // A link's first check has no earlier snapshot to prune: the listing that pruning needs (an S3 LIST, priced as
    // a PUT) is spent only on later checks, which take a snapshot only when HEAD is not supported.
    if (snapshotKey && link.checked_at !== null) await this.snapshots.prune(ref, this.options.snapshotsKept);
    return {
      outcome: 'recorded',
      verdict,
      titleFilled: result.titleFilled,
      ...(snapshotKey ? { snapshotKey } : {}),
    };
  }
}

/** What a change to a link means for the checker. */
interface CheckerPlan {
  check?: CheckRequest;
  /** The link is gone: its snapshots go too. */
  purgeSnapshots?: LinkRef;
}

export function planForChange(change: LinkChange): CheckerPlan {
  const { before, after } = change;
  if (after && !before) {
    return { check: { username: after.username, url: after.url, cause: 'added', requestedAt: change.at } };
  }
  if (before && !after) return { purgeSnapshots: { username: before.username, url: before.url } };
  if (before && after && before.url !== after.url) {
    return { check: { username: after.username, url: after.url, cause: 'changed', requestedAt: change.at } };
  }
  return {};
}

interface RecheckOptions {
  /** Links checked longer ago than this are due. */
  staleAfterMs: number;
  /** Links never checked are due once this old (their first check was lost): an hour. */
  uncheckedAfterMs?: number;
  /** At most this many of one user's links per run; the rest wait for the next run. */
  perUser: number;
  /** Requests are interleaved across users within windows of this many. */
  window?: number;
  /** Asked between pages: true stops the run early (the function is about to time out). */
  shouldStop?: () => boolean;
}

export interface RecheckReport {
  queued: number;
  /** Due, but over their user's share for this run. */
  deferred: number;
  users: number;
  stoppedEarly: boolean;
}

const HOUR_MS = 3_600_000;
const DEFAULT_WINDOW = 500;

/**
 * The daily re-check. Fairness: no user gets more than `perUser` checks per run, and the requests go to the
 * queue interleaved round-robin across users, so that one user's thousands of links neither fill the queue
 * nor make everybody else's wait behind them. The queue's consumer, capped in concurrency, sets the pace.
 */
export class Rechecker {
  constructor(
    private readonly links: StaleLinks,
    private readonly queue: CheckQueue,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {}

  async run(options: RecheckOptions): Promise<RecheckReport> {
    const now = this.clock.now();
    const requestedAt = now.toISOString();
    const checkedBefore = new Date(now.getTime() - options.staleAfterMs).toISOString();
    const uncheckedCreatedBefore = new Date(
      now.getTime() - (options.uncheckedAfterMs ?? HOUR_MS),
    ).toISOString();
    const window = options.window ?? DEFAULT_WINDOW;
    const perUser = new Map<string, number>();
    const report: RecheckReport = { queued: 0, deferred: 0, users: 0, stoppedEarly: false };
    let pending: CheckRequest[] = [];
    const flush = async () => {
      const batch = interleaveByUser(pending);
      pending = [];
      await this.queue.send(batch);
      report.queued += batch.length;
    };
    for await (const page of this.links.staleLinks({ checkedBefore, uncheckedCreatedBefore })) {
      for (const link of page) {
        const count = perUser.get(link.username) ?? 0;
        if (count >= options.perUser) {
          report.deferred++;
          continue;
        }
        perUser.set(link.username, count + 1);
        pending.push({ username: link.username, url: link.url, cause: 'recheck', requestedAt });
      }
      if (pending.length >= window) await flush();
      if (options.shouldStop?.()) {
        report.stoppedEarly = true;
        break;
      }
    }
    if (pending.length > 0) await flush();
    report.users = perUser.size;
    return report;
  }
}

/** Round-robin across users, each user's requests in their original order: a1 b1 c1 a2 b2 a3 ... */
export function interleaveByUser<T extends { username: string }>(items: T[]): T[] {
  const byUser = new Map<string, T[]>();
  for (const item of items) {
    const list = byUser.get(item.username);
    if (list) list.push(item);
    else byUser.set(item.username, [item]);
  }
  const lists = [...byUser.values()];
  const result: T[] = [];
  for (let round = 0; result.length < items.length; round++) {
    for (const list of lists) if (round < list.length) result.push(list[round]!);
  }
  return result;
}
