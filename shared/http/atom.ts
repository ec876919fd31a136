import { Feed } from 'feed';
import { escapeHtml } from './page-security.ts';

/**
 * Atom 1.0 feeds (RFC 4287), written by the `feed` library: it escapes text and attributes and wraps titles and
 * summaries in CDATA. It marks them `type="html"`, so plain text (a link's title, its description) is escaped
 * as HTML first: a feed reader shows `<script>` as those characters, never as markup.
 */

export const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';

/**
 * What XML 1.0 cannot carry at all, escaped or not: C0 controls but tab, line feed and carriage return, unpaired
 * surrogates, U+FFFE and U+FFFF. A title holding one (a page's `<title>` the link checker read, an imported
 * bookmark's) would make the whole document unreadable to every feed reader, the followers' news feeds too: each
 * becomes U+FFFD.
 */
const NOT_XML_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const xmlText = (text: string) => text.replace(NOT_XML_CHARACTER, '\uFFFD');

/** The year in every tag URI: part of the id, so it never changes (RFC 4151). */
const TAG_URI_YEAR = 2026;

export interface AtomEntry {
  /** A tag URI, the same every time the entry is generated. */
  id: string;
  title: string;
  /** The page the entry is about. */
  url: string;
  updated: string;
  published: string;
  /** Plain text; may be empty. */
  summary: string;
  categories: readonly string[];
}

export interface AtomFeed {
  id: string;
  title: string;
  /** When nothing in it changed later; used when the feed has no entries (else the newest entry's update). */
  emptyUpdated: string;
  /** The feed's own URL (`rel="self"`). */
  selfUrl: string;
  /** The page it stands for (`rel="alternate"`). */
  alternateUrl: string;
  /** Who wrote it: Atom asks for an author on the feed when entries carry none. */
  author: { name: string; url?: string };
  entries: readonly AtomEntry[];
}

/** The feed as an Atom document; the same input gives the same bytes (no generation time, no generator). */
export function atomDocument(feed: AtomFeed): string {
  const updates = feed.entries.map((entry) => entry.updated);
  const document = new Feed({
    id: feed.id,
    title: xmlText(feed.title),
    updated: new Date(updates.length > 0 ? updates.reduce(later) : feed.emptyUpdated),
    generator: false,
    link: feed.alternateUrl,
    feed: feed.selfUrl,
    author: { name: xmlText(feed.author.name), ...(feed.author.url ? { link: feed.author.url } : {}) },
  });
  for (const entry of feed.entries) {
    document.addItem({
      id: entry.id,
      title: escapeHtml(xmlText(entry.title)),
      link: entry.url,
      date: new Date(entry.updated),
      published: new Date(entry.published),
      ...(entry.summary ? { description: escapeHtml(xmlText(entry.summary)) } : {}),
      category: entry.categories.map((term) => ({ term: xmlText(term), name: xmlText(term) })),
    });
  }
  return document.atom1();
}

/**
 * A tag URI (RFC 4151) under the service's host: `tag:<host>,2026:<path>`. The host's port is left out (the
 * grammar has no room for it), so ids do not change with the port a local runtime listens on.
 */
export function tagUri(baseUrl: string, path: string): string {
  return `tag:${new URL(baseUrl).hostname},${TAG_URI_YEAR}:${path}`;
}

function later(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
