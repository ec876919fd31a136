import type { Link } from '../links/model.ts';
import type { LinkChange } from '../links/stream.ts';
import type { SearchUpdate } from './model.ts';

/** What a link's fields mean to its search index: a change of any other (published_at, version) is none. */
const SEARCHED_FIELDS = [
  'url',
  'title',
  'description',
  'tags',
  'private',
  'status',
  'created_at',
  // A new check may have brought the page's text.
  'checked_at',
] as const satisfies (keyof Link)[];

/**
 * The search index updates that a change of a link makes: an added link is upserted, a deleted one removed,
 * an edited one upserted when something the index holds changed (a new URL also removes the old one).
 */
export function searchUpdatesFor(change: LinkChange): SearchUpdate[] {
  const { before, after } = change;
  const upsert = (link: Link): SearchUpdate => ({ username: link.username, change: 'upsert', link });
  const remove = (link: Link): SearchUpdate => ({ username: link.username, change: 'remove', link });
  if (!before) return after ? [upsert(after)] : [];
  if (!after) return [remove(before)];
  if (before.url !== after.url) return [remove(before), upsert(after)];
  const changed = SEARCHED_FIELDS.some(
    (field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]),
  );
  return changed ? [upsert(after)] : [];
}
