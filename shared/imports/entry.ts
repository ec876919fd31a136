import {
  MAX_DESCRIPTION_LENGTH,
  MAX_URL_LENGTH,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  MAX_TITLE_LENGTH,
  newLinkUrlSchema,
  normalizeUrl,
  withoutCredentials,
} from '../links/model.ts';
import { cutText } from '../text.ts';
import type { BookmarkEntry, ParsedItem } from './model.ts';

/** A bookmark as a parser read it, before it is checked against the API's rules. */
export interface RawBookmark {
  line: number;
  href: string | undefined;
  title: string;
  description: string;
  /** As written; made into valid tags here. */
  tags: string[];
  private: boolean;
  created?: Date;
  updated?: Date;
}

/**
 * One tag as the API keeps them: trimmed, lower-cased, whitespace and commas made hyphens (a folder named
 * "Read later" becomes `read-later`), cut at the longest tag; empty when nothing is left.
 */
export function tagOf(name: string): string {
  return cutText(
    unicodeOf(name)
      .trim()
      .toLowerCase()
      .replace(/[\s,]+/g, '-'),
    MAX_TAG_LENGTH,
  );
}

/**
 * The text with each lone surrogate made U+FFFD, as decoding a file's bytes makes any byte that is not UTF-8:
 * JSON's `\ud83d` escapes (a Pinboard export) can give them, and the API refuses them in its own requests.
 */
const unicodeOf = (text: string) => text.toWellFormed();

/** Valid, unique and sorted; past the API's 100 the rest are dropped (the file's first ones kept). */
export function tagsOf(names: readonly string[]): string[] {
  const unique = new Set<string>();
  for (const name of names) {
    if (unique.size >= MAX_TAGS) break;
    const tag = tagOf(name);
    if (tag) unique.add(tag);
  }
  return [...unique].sort();
}

/**
 * An epoch timestamp as bookmark files write it. `ADD_DATE` is in seconds, but some tools write milliseconds
 * and Chromium's own store counts microseconds: a value of 1e11 or more (year 5138 in seconds) is read as
 * milliseconds, 1e14 or more as microseconds. Zero, negative, fractional garbage or out of range: no date.
 */
export function dateFromEpoch(value: string | undefined): Date | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  const number = Number(value);
  if (!(number > 0)) return undefined;
  const milliseconds = number >= 1e14 ? number / 1000 : number >= 1e11 ? number : number * 1000;
  return validDate(new Date(Math.floor(milliseconds)));
}

/** The last instant RFC 3339 can write (a four-digit year). */
const LAST_WRITABLE_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function validDate(date: Date): Date | undefined {
  const time = date.getTime();
  return Number.isNaN(time) || time < 0 || time > LAST_WRITABLE_TIME ? undefined : date;
}

/**
 * Titles and descriptions over the API's limits are cut, not refused: the bookmark matters more than its tail.
 * Trimmed after the cut too, as the API keeps its texts: a cut may end at a space.
 */
function cut(text: string, max: number): string {
  return cutText(unicodeOf(text).trim(), max).trimEnd();
}

/** The URL as a reason can quote it: bounded, so that an adversarial file cannot blow up the report. */
/** A refused URL as the import's errors quote it: its user name and password, if any, left out. */
const quotedUrl = (href: string) => cutText(unicodeOf(withoutCredentials(href)), MAX_URL_LENGTH);

/**
 * Checks raw bookmarks in file order and turns them into items: an entry, an error with its line, or a duplicate
 * of an earlier entry of the same file (same normalized URL), which counts once.
 */
export class EntryChecker {
  private readonly seen = new Set<string>();

  check(raw: RawBookmark): ParsedItem {
    if (raw.href === undefined || raw.href.trim() === '') {
      return { kind: 'error', error: { line: raw.line, reason: 'the bookmark has no URL' } };
    }
    // Refused before the schema sees it, which would walk every character of a URL of megabytes.
    if (raw.href.trim().length > MAX_URL_LENGTH) {
      const reason = `url: at most ${MAX_URL_LENGTH} characters`;
      return { kind: 'error', error: { line: raw.line, url: quotedUrl(raw.href), reason } };
    }
    const url = newLinkUrlSchema.safeParse(raw.href);
    if (!url.success) {
      const reason = `url: ${url.error.issues[0]?.message ?? 'invalid'}`;
      return { kind: 'error', error: { line: raw.line, url: quotedUrl(raw.href), reason } };
    }
    const normalized = normalizeUrl(url.data);
    if (this.seen.has(normalized)) return { kind: 'duplicate', line: raw.line, url: url.data };
    this.seen.add(normalized);
    const entry: BookmarkEntry = {
      line: raw.line,
      url: url.data,
      title: cut(raw.title, MAX_TITLE_LENGTH),
      description: cut(raw.description, MAX_DESCRIPTION_LENGTH),
      tags: tagsOf(raw.tags),
      private: raw.private,
    };
    if (raw.created) entry.created_at = raw.created.toISOString();
    if (raw.updated) entry.updated_at = raw.updated.toISOString();
    return { kind: 'entry', entry };
  }
}
