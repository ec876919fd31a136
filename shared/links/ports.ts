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
  /** Adds the link unless the user has one with the same normalized URL or already holds `maxLinks`. */
  insert(link: Link, maxLinks: number): Promise<InsertResult>;
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
