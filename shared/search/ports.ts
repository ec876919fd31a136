import type { Link } from '../links/model.ts';
import type { LinkSearchIndex } from './index.ts';

/** The ports of the search context's core (core.ts); adapters live beside it and in the links context. */

/** A user's index as stored, with the version (S3's ETag) it was read at. */
export interface StoredIndex {
  index: LinkSearchIndex;
  etag: string;
}

/** One durable index per user. */
export interface SearchIndexStore {
  /** The user's index; undefined when there is none, 'outdated' when it was written in another format. */
  load(username: string): Promise<StoredIndex | 'outdated' | undefined>;
  /** As load, but 'unchanged' (and nothing downloaded) when the stored index still has this ETag. */
  loadIfChanged(username: string, etag: string): Promise<StoredIndex | 'unchanged' | 'outdated' | undefined>;
  save(username: string, index: LinkSearchIndex): Promise<void>;
  remove(username: string): Promise<void>;
}

/** Asks for a user's index to be built anew from their links, by the one writer of that user's index. */
export interface SearchRebuilds {
  request(username: string): Promise<void>;
}

/** The readable text of each link's latest page snapshot, which the link checker keeps. */
export interface PageTexts {
  /** The text, or '' when the checker has none (not checked yet, or not an HTML page). */
  textOf(username: string, url: string): Promise<string>;
}

/** The links, as search reads them: implemented by the links context (links/for-search.ts). */
export interface LinksForSearch {
  /** All the user's links, a page at a time (to build an index from scratch). */
  all(username: string): AsyncIterable<Link[]>;
  /** The links among `urls` that exist now, read strongly consistent: what search may show. */
  current(username: string, urls: readonly string[]): Promise<Link[]>;
}
