import type { Link } from '../links/model.ts';
import type { LinkCheckRecord, LinkRef, RecordCheckResult, StaleLinkQuery } from '../links/checks.ts';
import type { CheckRequest, FetchedPage } from './model.ts';

/** The ports of the link checker's core (core.ts); adapters live beside it. */

export type FetchMethod = 'HEAD' | 'GET';

/** What one fetch (redirects followed) came to. A refusal and a failure are answers, not errors. */
export type FetchOutcome =
  | {
      kind: 'response';
      method: FetchMethod;
      status: number;
      /** The final URL, after redirects. */
      url: string;
      contentType: string | null;
      /** Seconds, from a Retry-After header. */
      retryAfterSeconds?: number | undefined;
      /** GET only: the body, up to the limit. */
      body?: Uint8Array | undefined;
      truncated?: boolean | undefined;
    }
  /** The SSRF guard said no: a scheme other than http(s), or an address that is not public. */
  | { kind: 'refused'; reason: string }
  /** No answer: DNS, connection, TLS, timeout, too many redirects. `transient` ones are worth a retry. */
  | { kind: 'failed'; reason: string; transient: boolean };

/** Fetches a URL safely (see safe-fetcher.ts for what "safely" means). */
export interface PageFetcher {
  fetch(url: string, method: FetchMethod): Promise<FetchOutcome>;
}

/** A host name's addresses (all of them: the guard vets every one). */
export interface Resolver {
  resolve(hostname: string): Promise<string[]>;
}

/** The links, as the checker reads and records them: implemented by the links context (links/for-checker.ts). */
export interface CheckedLinks {
  get(username: string, url: string): Promise<Link | undefined>;
  recordCheck(username: string, url: string, record: LinkCheckRecord): Promise<RecordCheckResult>;
}

/** Links due for a check, a page at a time: implemented by the links context (links/for-checker.ts). */
export interface StaleLinks {
  staleLinks(query: StaleLinkQuery): AsyncIterable<LinkRef[]>;
}

/** The link-check queue. */
export interface CheckQueue {
  send(requests: CheckRequest[]): Promise<void>;
}

/** Page snapshots, per link; keys derive from the user and the link (snapshots.ts). */
export interface SnapshotStore {
  /**
   * Stores the page (compressed) with its content type and fetch time, and its readable text when it has one
   * (replacing the link's previous text); returns the snapshot's key.
   */
  save(link: LinkRef, page: FetchedPage, text: string | undefined): Promise<string>;
  /** The key of the link's latest snapshot, if it has one. */
  latest(link: LinkRef): Promise<string | undefined>;
  /** A short-lived URL from which the snapshot can be downloaded without credentials. */
  downloadUrl(key: string, expiresInSeconds: number): Promise<string>;
  remove(key: string): Promise<void>;
  /** Removes all the link's snapshots; returns how many there were. */
  removeAll(link: LinkRef): Promise<number>;
  /** Removes all but the newest `keep` of the link's snapshots. */
  prune(link: LinkRef, keep: number): Promise<void>;
}
