import type { TransactionGuard } from '../transaction-guard.ts';
import type { Link, LinkPosition } from './model.ts';

export type InsertResult =
  | { inserted: true }
  | { inserted: false; reason: 'duplicate'; existing: Link }
  | { inserted: false; reason: 'limit' };

export interface LinkPage {
  links: Link[];
  hasMore: boolean;
}

/**
 * Storage of a user's links. Every write is atomic, and keeps the user's counts (all links, public links) in the
 * same write.
 */
export interface LinkStore {
  /**
   * Adds the link unless the user has one with the same normalized URL or already holds `maxLinks`, in one
   * transaction that also holds `guard`'s conditions (the request's admission and answer record, opaque here):
   * their refusal is thrown as it comes.
   */
  insert(link: Link, maxLinks: number, guard?: TransactionGuard<Link>): Promise<InsertResult>;
  get(username: string, url: string): Promise<Link | undefined>;
  /** Writes the changed link if it still is `previous` (same version); false when it changed or vanished meanwhile. */
  replace(link: Link, previous: Link): Promise<boolean>;
  /** Removes the link; false when there was none. */
  delete(username: string, url: string): Promise<boolean>;
  /** Newest first, starting after `after`. */
  listNewestFirst(username: string, after: LinkPosition | undefined, pageSize: number): Promise<LinkPage>;
  /** The tags of each of the user's links. */
  tagsOfAllLinks(username: string): AsyncIterable<string[]>;
}

/** How an exported file is stored and downloaded. */
export interface ExportFileMeta {
  contentType: string;
  /** The `Content-Disposition` the download answers with: an attachment and its file name. */
  disposition: string;
}

/** Where exports too large for an HTTP answer go: a file store with short-lived download URLs. */
export interface ExportFiles {
  /** Writes the file from its chunks, in order, holding only a bounded part of it at a time. */
  write(key: string, meta: ExportFileMeta, chunks: AsyncIterable<string>): Promise<void>;
  /** A URL that downloads the file for `expiresInSeconds`. */
  downloadUrl(key: string, meta: ExportFileMeta, expiresInSeconds: number): Promise<string>;
}

/** Where a public link stands among its owner's public links: newest published first. */
export interface PublicPosition {
  published_at: string;
  url: string;
}

/**
 * A user's public links as the links table holds them now (table.ts: byPublic, a strongly consistent read): a link
 * made private before the read began is not among them.
 */
export interface PublicLinkIndex {
  /** A page of the user's public links, newest published first, after `after`. */
  newestPublic(username: string, after: PublicPosition | undefined, pageSize: number): Promise<LinkPage>;
}

/** Whose public links a page shows: the users context's answer (shared/users/users-for-links.ts). */
export interface Author {
  username: string;
  name: string;
  avatar_url: string | null;
  created_at: string;
}

export interface AuthorDirectory {
  /** The user by username; undefined when there is no such user. */
  find(username: string): Promise<Author | undefined>;
}
