/**
 * The import context's vocabulary: what a bookmark file yields, entry by entry, whatever wrote it.
 *
 * The parsers (netscape.ts, pinboard.ts, parse.ts) are pure: they read text and say what is in it. Whether an
 * entry becomes a link (the user's existing URLs, the link limit) is the importer's business.
 */

export type BookmarkFormat = 'netscape' | 'pinboard';

/** A bookmark read from a file, ready to become a link: its URL checked as the API checks one. */
export interface BookmarkEntry {
  /** Line of the file where the entry starts (1-based). */
  line: number;
  /** As the API stores it (`urlSchema`: the WHATWG parser's serialization). */
  url: string;
  title: string;
  description: string;
  /** Lower-cased, unique, sorted, within the API's limits. */
  tags: string[];
  private: boolean;
  /** RFC 3339 UTC with milliseconds; absent when the file gives none (or none that reads as a date). */
  created_at?: string;
  updated_at?: string;
}

/** An entry that cannot become a link: the rest of the file still imports. */
export interface EntryError {
  line?: number;
  url?: string;
  reason: string;
}

/**
 * What a file yields, in file order: an entry, an entry that cannot be read, or an entry whose URL (normalized)
 * came earlier in the same file, which counts once and is reported as a duplicate skipped.
 */
export type ParsedItem =
  | { kind: 'entry'; entry: BookmarkEntry }
  | { kind: 'error'; error: EntryError }
  | { kind: 'duplicate'; line: number; url: string };

export type ParseOutcome =
  | { kind: 'bookmarks'; format: BookmarkFormat; items: Iterable<ParsedItem> }
  | { kind: 'notABookmarkFile'; reason: string };
