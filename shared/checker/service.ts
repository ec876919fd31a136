import { LinksForChecker } from '../links/for-checker.ts';
import { checkerConfig, type CheckerSettings } from './config.ts';
import { LinkChecker, LinkCheckService, Rechecker } from './core.ts';
import type { CheckedLinks, StaleLinks } from './ports.ts';
import { S3SnapshotStore } from './s3.ts';
import { SafeFetcher } from './safe-fetcher.ts';
import { SqsCheckQueue } from './sqs.ts';

/** The link checker's cores wired to their adapters, once per cold start. */

/** How long a snapshot's presigned download URL lives. */
export const SNAPSHOT_URL_SECONDS = 300;

/** The safe fetcher as the settings describe it (with the defaults: no allowlist at all). */
export function safeFetcher(settings: CheckerSettings = checkerConfig()): SafeFetcher {
  return new SafeFetcher({
    connectTimeoutMs: settings.LINK_CHECKER_CONNECT_TIMEOUT_MS,
    totalTimeoutMs: settings.LINK_CHECKER_TOTAL_TIMEOUT_MS,
    maxBodyBytes: settings.LINK_CHECKER_MAX_BODY_BYTES,
    maxRedirects: settings.LINK_CHECKER_MAX_REDIRECTS,
    allowlist: settings.LINK_CHECKER_ALLOW_HOSTS,
    allowlistOnly: settings.LINK_CHECKER_ALLOWLIST_ONLY,
  });
}

let checkService: LinkCheckService | undefined;
export function linkCheckService(): LinkCheckService {
  const settings = checkerConfig();
  checkService ??= new LinkCheckService(
    checkedLinks(),
    new LinkChecker(safeFetcher(), {
      attempts: settings.LINK_CHECKER_ATTEMPTS,
      baseDelayMs: settings.LINK_CHECKER_RETRY_BASE_MS,
      maxDelayMs: settings.LINK_CHECKER_RETRY_BASE_MS * 8,
    }),
    new S3SnapshotStore(),
    { snapshotsKept: settings.LINK_CHECKER_SNAPSHOTS_KEPT },
  );
  return checkService;
}

let links: LinksForChecker | undefined;
/** The links as the checker reads and records them; the snapshot route asks it who owns a link. */
export const checkedLinks = (): CheckedLinks & StaleLinks => (links ??= new LinksForChecker());

let snapshotStore: S3SnapshotStore | undefined;
export const snapshots = () => (snapshotStore ??= new S3SnapshotStore());

let queue: SqsCheckQueue | undefined;
export const checkQueue = () => (queue ??= new SqsCheckQueue());

let rechecker: Rechecker | undefined;
export const staleLinkRechecker = () => (rechecker ??= new Rechecker(checkedLinks(), checkQueue()));

/** Tests install a service over in-memory stores here; undefined restores the wiring. */
export function setLinkCheckServiceForTests(service: LinkCheckService | undefined): void {
  checkService = service;
}

/** Tests install a service over in-memory stores here; undefined restores the wiring. */
export function setRecheckerForTests(service: Rechecker | undefined): void {
  rechecker = service;
}
