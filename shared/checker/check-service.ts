import { checkerConfig, type CheckerSettings } from './config.ts';
import { LinkChecker, LinkCheckService } from './core.ts';
import { SafeFetcher } from './safe-fetcher.ts';
import { checkedLinks, snapshots } from './service.ts';

/**
 * The check itself wired to its adapters, once per cold start: the safe fetcher, the links and the snapshots. Apart
 * from service.ts, so that the functions that only queue checks or read snapshots do not load the fetcher and its
 * address rules at their cold start.
 */

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
    snapshots(),
    { snapshotsKept: settings.LINK_CHECKER_SNAPSHOTS_KEPT },
  );
  return checkService;
}

/** Tests install a service over in-memory stores here; undefined restores the wiring. */
export function setLinkCheckServiceForTests(service: LinkCheckService | undefined): void {
  checkService = service;
}
