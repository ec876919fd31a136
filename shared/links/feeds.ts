import { atomDocument, tagUri } from '../http/atom.ts';
import type { Link } from './model.ts';
import type { Author } from './ports.ts';
import { urlHash } from './table.ts';

/**
 * A user's public links as an Atom feed (all of them, or those with one tag). Ids are tag URIs that never
 * change: the feed's from the username (and tag), each entry's from the hash of its link's URL, so an edited
 * link stays the same entry for feed readers.
 */
export function publicLinksFeed(
  author: Author,
  links: readonly Link[],
  baseUrl: string,
  tag?: string,
): string {
  const user = encodeURIComponent(author.username);
  const path = tag === undefined ? `users/${user}` : `users/${user}/tags/${encodeURIComponent(tag)}`;
  const profile = `${baseUrl}/u/${user}`;
  const who = author.name || author.username;
  return atomDocument({
    id: tagUri(baseUrl, path),
    title:
      tag === undefined ? `${who}'s links on Delinkcious` : `${who}'s links tagged ${tag} on Delinkcious`,
    emptyUpdated: author.created_at,
    selfUrl: `${baseUrl}/${path}/feed.atom`,
    alternateUrl: profile,
    author: { name: who, url: profile },
    entries: links.map((link) => ({
      id: tagUri(baseUrl, `users/${user}/links/${urlHash(link.url)}`),
      title: link.title || link.url,
      url: link.url,
      updated: link.updated_at,
      published: link.published_at ?? link.created_at,
      summary: link.description,
      categories: link.tags,
    })),
  });
}
