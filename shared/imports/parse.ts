import type { BookmarkFormat, ParseOutcome } from './model.ts';
import { parseNetscape } from './netscape.ts';
import { pinboardItems, readPinboard } from './pinboard.ts';

/**
 * Reads a bookmark file: the Netscape bookmark file (browsers, linkding, Pinboard, Raindrop, Pocket) or Pinboard's
 * JSON. The format is detected from the content unless given. Bytes are read as UTF-8 (the charset every one of
 * those writes, a byte-order mark dropped); a byte sequence that is not UTF-8 becomes U+FFFD and the rest of the
 * file still reads.
 *
 * The outcome is either `notABookmarkFile` with a reason, or the items in file order: entries, errors with their
 * line, and duplicates within the file (same normalized URL as an earlier entry: it counts once). Items are
 * produced as the file is read, a chunk at a time, so a consumer may stop, checkpoint and resume by position.
 */
export function parseBookmarkFile(input: Uint8Array | string, format?: BookmarkFormat): ParseOutcome {
  const text =
    typeof input === 'string' ? input.replace(/^\uFEFF/, '') : new TextDecoder('utf-8').decode(input);
  const detected = format ?? detectFormat(text);
  if (!detected) {
    return {
      kind: 'notABookmarkFile',
      reason:
        'not a bookmark file: expected a Netscape bookmark file (HTML with <DT><A HREF=...> entries) or ' +
        "Pinboard's JSON export (an array of posts with href)",
    };
  }
  if (detected === 'pinboard') {
    const read = readPinboard(text);
    if ('problem' in read) return { kind: 'notABookmarkFile', reason: read.problem };
    return { kind: 'bookmarks', format: 'pinboard', items: pinboardItems(text, read.posts) };
  }
  return { kind: 'bookmarks', format: 'netscape', items: parseNetscape(text) };
}

/** How much of the file detection looks at. */
const SNIFF_LENGTH = 64 * 1024;

/**
 * Netscape: the DOCTYPE, or the structure without it (`<DT>` entries, or Pocket's `<a ... time_added=...>`);
 * Pinboard: JSON that opens with an array. Anything else, an ordinary web page with links included, is not a
 * bookmark file.
 */
export function detectFormat(text: string): BookmarkFormat | undefined {
  const head = text.slice(0, SNIFF_LENGTH).trimStart();
  if (head.startsWith('[')) return 'pinboard';
  if (!head.startsWith('<')) return undefined;
  if (/<!DOCTYPE\s+NETSCAPE-Bookmark-file/i.test(head)) return 'netscape';
  if (/<dt[\s>][\s\S]*?<a\s[^>]*href\s*=/i.test(head)) return 'netscape';
  if (/<a\s[^>]*time_added\s*=/i.test(head)) return 'netscape';
  return undefined;
}
