import { createHash } from 'node:crypto';
import * as z from '../zod.ts';
import { FEED_WRITE_GROUPS } from '../wiring.ts';

/**
 * The news context's entities, each written once as a zod schema with its type inferred from it; the queue
 * messages (messages.ts) are built from the same schemas.
 */

/** A string of at least one character. */
const nonEmptyString = () => z.string().check(z.minLength(1));

export const linkEventTypeSchema = z.enum(['link_added', 'link_updated', 'link_deleted']);
export type LinkEventType = z.infer<typeof linkEventTypeSchema>;

/** Something a user did to a public link, as their followers' news shows it. */
const linkEventSchema = z.object({
  id: nonEmptyString(),
  type: linkEventTypeSchema,
  /** Who did it: the link's owner, never the reader. */
  author: nonEmptyString(),
  url: nonEmptyString(),
  title: z.string(),
  timestamp: z.iso.datetime(),
});
export type LinkEvent = z.infer<typeof linkEventSchema>;

/**
 * Where a change stands in its link's history: `<created_at>#<version, 12 digits>`. Strings of one link compare
 * as its changes happened: the version grows with every write of the link item, and a link deleted and added
 * again starts over with a later `created_at`. A deletion takes the version after the last one it removed.
 */
const linkRevisionSchema = nonEmptyString();
export type LinkRevision = z.infer<typeof linkRevisionSchema>;

export function linkRevision(createdAt: string, version: number): LinkRevision {
  return `${createdAt}#${String(version).padStart(12, '0')}`;
}

/** What a link change means for followers' feeds. */
export const feedChangeSchema = z.discriminatedUnion('kind', [
  /** A visible change: link_added, link_updated, or link_deleted (which also hides what was added or updated). */
  z.object({ kind: z.literal('publish'), event: linkEventSchema, revision: linkRevisionSchema }),
  /** The link turned private at `revision`: what followers saw of it before goes. */
  z.object({
    kind: z.literal('retract'),
    author: nonEmptyString(),
    url: nonEmptyString(),
    revision: linkRevisionSchema,
  }),
]);
export type FeedChange = z.infer<typeof feedChangeSchema>;

/** A follower and the time their follow began. */
export const readerSchema = z.object({ username: nonEmptyString(), since: nonEmptyString() });
export type Reader = z.infer<typeof readerSchema>;

/**
 * The group of a reader's feed writes on the FIFO feed-write queue (shared/wiring.ts): a stable hash of the name,
 * so a reader's writes always take the same group, and every group about as many readers.
 */
export function feedGroupOf(username: string): string {
  const hash = createHash('sha256').update(username).digest().readUInt32BE(0);
  return `feeds-${String(hash % FEED_WRITE_GROUPS).padStart(2, '0')}`;
}

/**
 * Where an event stands in newest-first news: `<timestamp>#<event id>`. Unique in a feed (an id is one event), and
 * the same in every feed that holds the event, so it positions a page across merged feeds.
 */
export const timeKeyOf = (event: LinkEvent) => `${event.timestamp}#${event.id}`;

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
