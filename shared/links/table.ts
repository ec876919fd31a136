/**
 * The links table, the one module that knows its items, and with table-keys.ts its keys (kept apart so that an
 * adapter that only names items does not build the items' schemas as it loads); the adapters that use it are
 * named for who uses them: store.ts (the links API), published.ts (news: backfills), visibility-for-news.ts
 * (news pages), for-checker.ts (the link checker), counts.ts (profiles).
 *
 * The links table: each user's bookmarks, plus one counters item per user.
 *
 * | access pattern                          | key condition / write                                            |
 * |-----------------------------------------|------------------------------------------------------------------|
 * | a user's link by URL (get, update, delete) | pk = USER#<username>, sk = LINK#<sha256(normalized url)>      |
 * | add a link unless duplicate or at limit | TransactWriteItems: Put link if attribute_not_exists(pk) +        |
 * |                                         | Update counters if links_count < max (both or neither)            |
 * | update a link                           | Put if version = <version read>; when `private` flips, in one     |
 * |                                         | TransactWriteItems with the public counter's +1 or -1             |
 * | delete a link                           | Get, then TransactWriteItems: Delete link if it exists and is as  |
 * |                                         | private as read + decrement counters (again if it changed)        |
 * | a user's links, newest first, paged     | LSI byCreated: pk = USER#<username>, ScanIndexForward = false      |
 * | the tags of all a user's links          | pk = USER#<username> AND begins_with(sk, 'LINK#'), projecting tags |
 * | a user's recent public links (backfill) | LSI byPublic, newest published first, ConsistentRead             |
 * | which of a news page's links are public | BatchGetItem of their keys, ConsistentRead, projecting `private`  |
 * | record a link check (the link checker)  | UpdateItem if the link exists and holds no later check; the title |
 * |                                         | only if still empty (see recordCheck)                             |
 * | links due for a re-check (daily)        | Scan of link items, filtered on checked_at / created_at           |
 * | a user's public links, newest first     | LSI byPublic: pk = USER#<username>, ScanIndexForward = false,     |
 * | (public listing and Atom feeds)         | ConsistentRead: one Query per page                                |
 *
 * Why these keys:
 * - The sort key hashes the normalized URL: URLs run to 2,048 characters and a sort key is limited to 1,024
 *   bytes, and the hash makes the duplicate check a plain key condition inside the insert transaction.
 * - byCreated is a local index so that a listing right after an add is strongly consistent. Its sort key is
 *   `<created_at>#<url hash>`, unique and time-ordered. A local index caps a user's items at 10 GB, far above
 *   MAX_LINKS_PER_USER links of at most ~8 KB each. The counters item has no `created`, so it stays out of it.
 * - byPublic is a sparse local index: a link item carries its sort key, `public_created`
 *   (`<published_at>#<url hash>`), only while the link is public (linkToItem), so a private link is not in it and
 *   a page of public links is one Query, never a scan that skips private ones. It is local, not global, so that
 *   the Query can be strongly consistent: a link made private (or re-published, which moves its
 *   `public_created`) is out of the index (or moved) for every read that starts after the write, whatever the
 *   order of writes, with no confirming read. Its copies join the user's item collection (the items and both
 *   local indexes' copies, at most ~3 x 80 MB for MAX_LINKS_PER_USER links), far below the 10 GB limit. A local
 *   index can only be created with its table: stacks deployed before it get a new links table and the items
 *   copied over (scripts/copy-links-table.ts; README, Deploying).
 * - The per-user limit is a counter updated in the same transaction as the insert: atomic under concurrency,
 *   O(1) per add, never a count of the user's links. Beside it, `public_links_count` counts the links that are
 *   not private (what other users see on a profile), kept in the same transactions as every add, delete and
 *   change of `private`. Counters items written before it existed lack it until they are recounted.
 *
 * Item shapes:
 * - link: { pk, sk, created, public_created?, ...link }: the Link as model.ts's linkSchema declares it, attribute for attribute,
 *   under its keys (published_at is absent while the link is private; correlation_id names the request that last
 *   wrote it, for the stream's consumers). A field added to the schema is stored
 *   and read with no change here; only if items written before it lack it does storedLinkSchema need its default.
 * - counters: { pk, sk: COUNTERS, links_count, public_links_count }
 * The table streams new and old images; the news pipeline reads link items from it and ignores counters.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DocumentClient } from '../aws/dynamodb.ts';
import { currentCorrelationId } from '../correlation.ts';
import * as z from '../zod.ts';
import { linkSchema, type Link, type LinkPosition } from './model.ts';
import type { PublicPosition } from './ports.ts';
import {
  LINK_PREFIX,
  LINKS_BY_CREATED,
  PUBLIC_LINKS,
  linkKey,
  urlHash,
  userPartition,
} from './table-keys.ts';

export {
  countersKey,
  LINK_PREFIX,
  LINKS_BY_CREATED,
  linkKey,
  PUBLIC_LINKS,
  urlHash,
  userPartition,
} from './table-keys.ts';

/** The byCreated index's sort key: unique and time-ordered. */
const createdKey = (position: LinkPosition) => `${position.created_at}#${urlHash(position.url)}`;

/** The byPublic index's sort key: unique and ordered by publication. */
const publicCreatedKey = (position: PublicPosition) => `${position.published_at}#${urlHash(position.url)}`;

/** The byPublic index's sort key of a public link; none for a private one, which keeps it out of the index. */
function publicIndexKey(link: Link): { public_created: string } | undefined {
  if (link.private) return undefined;
  return {
    public_created: publicCreatedKey({ published_at: link.published_at ?? link.created_at, url: link.url }),
  };
}

/**
 * A link item: the link, attribute for attribute, under its keys (and byPublic's while it is public), marked with
 * the correlation id of the work that writes it, when there is one (else it keeps the link's own).
 */
export function linkToItem(link: Link) {
  const correlationId = currentCorrelationId();
  return {
    ...linkKey(link.username, link.url),
    created: createdKey(link),
    ...publicIndexKey(link),
    ...link,
    ...(correlationId ? { correlation_id: correlationId } : {}),
  };
}

/**
 * A link item as the Link it holds. Items written before a field existed lack it and read as what it was then;
 * the keys (pk, sk, created) are dropped.
 */
const linkItemSchema = z.extend(linkSchema, {
  title: z._default(linkSchema.shape.title, ''),
  description: z._default(linkSchema.shape.description, ''),
  tags: z._default(linkSchema.shape.tags, []),
  private: z._default(linkSchema.shape.private, false),
  http_status: z._default(linkSchema.shape.http_status, null),
  checked_at: z._default(linkSchema.shape.checked_at, null),
  version: z._default(linkSchema.shape.version, 1),
});
const storedLinkSchema = z.pipe(
  linkItemSchema,
  z.transform(({ check_reason, published_at, ...link }: z.output<typeof linkItemSchema>): Link => ({
    ...link,
    ...(check_reason ? { check_reason } : {}),
    // Links written before published_at existed were public since their creation, at the latest.
    ...(link.private ? {} : { published_at: published_at ?? link.created_at }),
  })),
);

export function linkFromItem(item: Record<string, unknown>): Link {
  return storedLinkSchema.parse(item);
}

export function isLinkItem(item: Record<string, unknown>): boolean {
  return typeof item.sk === 'string' && item.sk.startsWith(LINK_PREFIX);
}

/** One page of a user's links, newest first, starting after `after` (a strongly consistent read of byCreated). */
export async function queryNewestFirst(
  db: DocumentClient,
  tableName: string,
  username: string,
  after: LinkPosition | undefined,
  pageSize: number,
): Promise<{ links: Link[]; hasMore: boolean }> {
  const { Items = [], LastEvaluatedKey } = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: LINKS_BY_CREATED,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': userPartition(username) },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: pageSize,
      ExclusiveStartKey: after ? { ...linkKey(username, after.url), created: createdKey(after) } : undefined,
    }),
  );
  return { links: Items.map(linkFromItem), hasMore: LastEvaluatedKey !== undefined };
}

/**
 * One page of a user's public links, newest published first, starting after `after`: a strongly consistent read
 * of byPublic, so a link made private before the read began is not in it.
 */
export async function queryNewestPublic(
  db: DocumentClient,
  tableName: string,
  username: string,
  after: PublicPosition | undefined,
  pageSize: number,
): Promise<{ links: Link[]; hasMore: boolean }> {
  const { Items = [], LastEvaluatedKey } = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: PUBLIC_LINKS,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': userPartition(username) },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: pageSize,
      ExclusiveStartKey: after
        ? { ...linkKey(username, after.url), public_created: publicCreatedKey(after) }
        : undefined,
    }),
  );
  return { links: Items.map(linkFromItem), hasMore: LastEvaluatedKey !== undefined };
}
