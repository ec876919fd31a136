import type { Link } from '../links/model.ts';
import type { Import } from './model.ts';

/** The imports table: one record per import. */
export interface ImportStore {
  create(record: Import): Promise<void>;
  get(username: string, importId: string): Promise<Import | undefined>;
  /** The user's imports, newest first, at most `limit`. */
  newestFirst(username: string, limit: number): Promise<Import[]>;
  /**
   * Writes `next` only if the stored record still has the status and checkpoint of `previous`: false when another
   * delivery of the same upload moved it first.
   */
  advance(next: Import, previous: Pick<Import, 'status' | 'checkpoint'>): Promise<boolean>;
}

/** Where bookmark files are uploaded to and read from. */
export interface UploadedFiles {
  /** A URL to which the file is PUT, valid for `expiresInSeconds`. */
  uploadUrl(key: string, expiresInSeconds: number): Promise<string>;
  /** The object's bytes; `tooLarge` past `maxBytes` (read no further); undefined when it is gone. */
  read(key: string, maxBytes: number): Promise<Uint8Array | 'tooLarge' | undefined>;
  delete(key: string): Promise<void>;
}

/** What became of one link an import tried to add. */
export type ImportedLinkOutcome =
  /** Added now, or by an earlier delivery of the same import (the link carries its id). */
  | 'imported'
  /** The user already had a link with this normalized URL: left as it was. */
  | 'existing'
  /** The user holds as many links as they may. */
  | 'limit';

/**
 * The links context, as an import sees it (implemented by shared/links/for-import.ts): adds links that carry the
 * import's id in `imported_by`, never overwriting one the user has, and keeping the per-user limit atomically.
 */
export interface LinksForImportPort {
  /** One outcome per link, in the same order; all links are the same user's, and of distinct normalized URLs. */
  addAll(links: Link[], maxLinks: number): Promise<ImportedLinkOutcome[]>;
}

/** Sends the upload's notification again, so that a fresh invocation goes on where this one stopped. */
export interface ImportContinuations {
  continueLater(body: string): Promise<void>;
}
