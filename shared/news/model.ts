import { createHash } from 'node:crypto';

export type LinkEventType = 'link_added' | 'link_updated' | 'link_deleted';

/** Something a user did to a public link, as their followers' news shows it. */
export interface LinkEvent {
  id: string;
  type: LinkEventType;
  /** Who did it: the link's owner, never the reader. */
  author: string;
  url: string;
  title: string;
  timestamp: string;
}

/**
 * Where a change stands in its link's history: `<created_at>#<version, 12 digits>`. Strings of one link compare
 * as its changes happened: the version grows with every write of the link item, and a link deleted and added
 * again starts over with a later `created_at`. A deletion takes the version after the last one it removed.
 */
export type LinkRevision = string;

export function linkRevision(createdAt: string, version: number): LinkRevision {
  return `${createdAt}#${String(version).padStart(12, '0')}`;
}

/** What a link change means for followers' feeds. */
export type FeedChange =
  /** A visible change: link_added, link_updated, or link_deleted (which also hides what was added or updated). */
  | { kind: 'publish'; event: LinkEvent; revision: LinkRevision }
  /** The link turned private at `revision`: what followers saw of it before goes. */
  | { kind: 'retract'; author: string; url: string; revision: LinkRevision };

/** Feed entries live this long. */
export const FEED_RETENTION_DAYS = 90;

/**
 * Event ids derive from the event itself, so the same event reached twice (a redelivered message, a retried
 * stream batch, a follow backfill of an event already fanned out) is the same entry.
 */
export function linkEvent(
  type: LinkEventType,
  author: string,
  url: string,
  title: string,
  timestamp: string,
) {
  const id = createHash('sha256')
    .update(`${type}\n${author}\n${url}\n${timestamp}`)
    .digest('base64url')
    .slice(0, 22);
  return { id, type, author, url, title, timestamp } satisfies LinkEvent;
}
