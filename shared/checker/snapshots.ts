import { createHash } from 'node:crypto';
import type { LinkRef } from '../links/checks.ts';
import { normalizeUrl } from '../links/model.ts';
import { buckets } from '../wiring.ts';

/**
 * Snapshot keys derive from the user and the link, so that every snapshot of a link shares one prefix (listed to
 * find the latest, deleted with the link) and nobody's keys overlap anybody else's:
 *
 *   snapshots/<username>/<sha256 of the normalized URL, base64url>/<fetch time, compact ISO 8601>.html.gz
 *
 * Usernames are `[a-z0-9-]`; the hash keeps 2,048-character URLs out of keys; the compact time sorts keys
 * oldest first, so the last key under a prefix is the latest snapshot.
 *
 * Beside them, the readable text of each link's latest snapshot (for search), gzip-compressed:
 *
 *   snapshots/<username>/text/<sha256 of the normalized URL, base64url>.txt.gz
 *
 * `text` is never a hash (those are 43 characters), so no link's snapshot prefix holds it, and the user's prefix,
 * which account erasure deletes, holds both.
 */

export const SNAPSHOT_KEY_PREFIX = buckets.snapshots.keyPrefix;
const SUFFIX = '.html.gz';

const urlHash = (url: string) => createHash('sha256').update(normalizeUrl(url)).digest('base64url');

export function snapshotPrefix(link: LinkRef): string {
  return `${SNAPSHOT_KEY_PREFIX}${link.username}/${urlHash(link.url)}/`;
}

/** Where the readable text of the link's latest snapshot is kept. */
export function pageTextKey(link: LinkRef): string {
  return `${SNAPSHOT_KEY_PREFIX}${link.username}/text/${urlHash(link.url)}.txt.gz`;
}

/** `2026-11-23T18:00:00.000Z` -> `20261123T180000000Z`. */
const compactTime = (iso: string) => iso.replace(/[-:.]/g, '');

export function snapshotKey(link: LinkRef, fetchedAt: string): string {
  return `${snapshotPrefix(link)}${compactTime(fetchedAt)}${SUFFIX}`;
}

/**
 * How a snapshot is served: as a download, never rendered. The file name is the fetch time of the key,
 * `snapshot-20261123T180000000Z.html` (ASCII letters and digits only: nothing to quote or escape).
 */
export function snapshotDisposition(key: string): string {
  const fetched = /([0-9TZ]+)\.html\.gz$/.exec(key)?.[1] ?? 'page';
  return `attachment; filename="snapshot-${fetched}.html"`;
}

/** Keys of one link's snapshots, newest first. */
export function newestFirst(keys: string[]): string[] {
  return [...keys].sort().reverse();
}
