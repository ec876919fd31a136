import type { Link } from '../links/model.ts';
import type { LinkChange } from '../links/stream.ts';
import { linkEvent, linkRevision, type FeedChange } from './model.ts';

/**
 * What a link change means for followers. Private links never reach a feed: a link turned private is
 * retracted from feeds, and one turned public arrives as added. Changes no reader can see (the link
 * checker's status) mean nothing, and neither does the arrival of an imported link (a later edit of it is news).
 */
export function feedChangesFor(change: LinkChange): FeedChange[] {
  const { before, after } = change;
  const publish = (type: Parameters<typeof linkEvent>[0], link: Link, timestamp: string, version: number) => [
    {
      kind: 'publish' as const,
      event: linkEvent(type, link.username, link.url, link.title, timestamp),
      revision: linkRevision(link.created_at, version),
    },
  ];
  // An imported link is not news: an import of 2,000 links would flood every follower's feed.
  if (after && !before)
    return after.private || after.imported_by !== undefined
      ? []
      : publish('link_added', after, after.published_at ?? after.created_at, after.version);
  // A deletion is the link's next revision after the last one it had.
  if (before && !after)
    return before.private
      ? []
      : publish('link_deleted', before, deletedAt(before, change.at), before.version + 1);
  if (!before || !after) return [];
  if (before.private && after.private) return [];
  if (before.private)
    return publish('link_added', after, after.published_at ?? after.updated_at, after.version);
  if (after.private)
    return [
      {
        kind: 'retract',
        author: after.username,
        url: after.url,
        revision: linkRevision(after.created_at, after.version),
      },
    ];
  return visiblyChanged(before, after) ? publish('link_updated', after, after.updated_at, after.version) : [];
}

function visiblyChanged(before: Link, after: Link): boolean {
  return (
    before.url !== after.url ||
    before.title !== after.title ||
    before.description !== after.description ||
    before.tags.join('\n') !== after.tags.join('\n')
  );
}

/**
 * The stream's creation time is approximate (rounded down to the second, to the minute on DynamoDB Local), so
 * a deletion is dated no earlier than just after the link's last change: it always sorts after it.
 */
function deletedAt(before: Link, streamTime: string): string {
  return new Date(Math.max(Date.parse(streamTime), Date.parse(before.updated_at) + 1)).toISOString();
}
