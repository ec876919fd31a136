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

/** What a link change means for followers' feeds. */
export type FeedChange =
  | { kind: 'publish'; event: LinkEvent }
  /** The link turned private: every feed entry about it goes. */
  | { kind: 'retract'; author: string; url: string }
  /**
   * A second sweep after an unfollow: events already on their way when the reader unfollowed can land after
   * the first one. It removes the author's entries unless the reader follows the author again by then.
   */
  | { kind: 'unfollowed'; author: string };

/** Feed entries live this long. */
export const FEED_RETENTION_DAYS = 90;

/**
 * Event ids derive from the event itself, so the same event reached twice (a redelivered message, a retried
 * stream batch, a follow backfill of an event already fanned out) lands on the same feed entry.
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
