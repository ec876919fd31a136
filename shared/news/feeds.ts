import { atomDocument, tagUri } from '../http/atom.ts';
import type { LinkEvent } from './model.ts';

/**
 * An empty news feed's date: a fixed one (the tag URIs' year), so that an empty feed is the same bytes, and the
 * same ETag, until something arrives.
 */
const EMPTY_NEWS_UPDATED = '2026-01-01T00:00:00.000Z';

const WHAT_HAPPENED: Record<LinkEvent['type'], string> = {
  link_added: 'added',
  link_updated: 'updated',
  link_deleted: 'removed',
};

/**
 * A reader's news as an Atom feed. Event ids derive from the event (model.ts), so each entry's tag URI is the
 * same every time the feed is generated. `selfUrl` is the feed's own URL, with its token: the reader's to keep.
 */
export function newsFeed(
  reader: string,
  events: readonly LinkEvent[],
  baseUrl: string,
  selfUrl: string,
): string {
  return atomDocument({
    id: tagUri(baseUrl, `news/${encodeURIComponent(reader)}`),
    title: `${reader}'s news on Delinkcious`,
    emptyUpdated: EMPTY_NEWS_UPDATED,
    selfUrl,
    alternateUrl: `${baseUrl}/v1/news`,
    author: { name: 'Delinkcious' },
    entries: events.map((event) => ({
      id: tagUri(baseUrl, `news/${encodeURIComponent(reader)}/events/${encodeURIComponent(event.id)}`),
      title: `${event.author} ${WHAT_HAPPENED[event.type]} ${event.title || event.url}`,
      url: event.url,
      updated: event.timestamp,
      published: event.timestamp,
      summary: '',
      categories: [],
    })),
  });
}
