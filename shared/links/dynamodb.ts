/**
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
 * | a user's recent public links (backfill) | LSI byCreated, newest first, private ones skipped                 |
 * | record a link check (the link checker)  | UpdateItem if the link exists and holds no later check; the title |
 * |                                         | only if still empty (see recordCheck)                             |
 * | links due for a re-check (daily)        | Scan of link items, filtered on checked_at / created_at           |
 *
 * Why these keys:
 * - The sort key hashes the normalized URL: URLs run to 2,048 characters and a sort key is limited to 1,024
 *   bytes, and the hash makes the duplicate check a plain key condition inside the insert transaction.
 * - byCreated is a local index so that a listing right after an add is strongly consistent. Its sort key is
 *   `<created_at>#<url hash>`, unique and time-ordered. A local index caps a user's items at 10 GB, far above
 *   MAX_LINKS_PER_USER links of at most ~8 KB each. The counters item has no `created`, so it stays out of it.
 * - The per-user limit is a counter updated in the same transaction as the insert: atomic under concurrency,
 *   O(1) per add, never a count of the user's links. Beside it, `public_links_count` counts the links that are
 *   not private (what other users see on a profile), kept in the same transactions as every add, delete and
 *   change of `private`. Counters items written before it existed lack it until they are recounted.
 *
 * Item shapes:
 * - link: { pk, sk, created, username, url, title, description, tags: string[], private, status, http_status,
 *   checked_at, check_reason?, created_at, updated_at, published_at? (absent while private), version }
 * - counters: { pk, sk: COUNTERS, links_count, public_links_count }
 * The table streams new and old images; the news pipeline reads link items from it and ignores counters.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  paginateQuery,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHash } from 'node:crypto';
import { Unavailable } from '../errors.ts';
import { retry, TRY_AGAIN, type RetryPolicy } from '../retry.ts';
import { documentClient, type DocumentClient, transact } from '../aws/dynamodb.ts';
import { normalizeUrl, type Link, type LinkPosition, type LinkStatus } from './model.ts';
import type { InsertResult, LinkPage, LinkStore } from './ports.ts';
import type { LinkCheckRecord, LinkRef, RecordCheckResult, StaleLinkQuery } from './checks.ts';
import { requiredEnv } from '../config.ts';
import { keyPrefixes } from '../keys.ts';

export const LINKS_BY_CREATED = 'byCreated';
const LINK_PREFIX = 'LINK#';
const COUNTERS = 'COUNTERS';
/**
 * A delete reads the link and deletes it only if it is still as private as read; a writer that flips `private`
 * in between cancels it, and the read-delete is tried again with the shared policy.
 */
const CONTENDED_DELETE_RETRY: RetryPolicy = {
  attempts: 8,
  baseDelayMs: 10,
  maxDelayMs: 500,
  giveUp: () => new Unavailable('The link is being changed by other requests; try again.'),
};

export interface LinkItem {
  pk: string;
  sk: string;
  created: string;
  username: string;
  url: string;
  title: string;
  description: string;
  tags: string[];
  private: boolean;
  status: LinkStatus;
  http_status: number | null;
  checked_at: string | null;
  /** Why the last check decided as it did; written by the link checker only. */
  check_reason?: string;
  created_at: string;
  updated_at: string;
  published_at?: string;
  version: number;
}

export const userPartition = (username: string) => `${keyPrefixes.links.owner}${username}`;
export const urlHash = (url: string) => createHash('sha256').update(normalizeUrl(url)).digest('base64url');
export const linkKey = (username: string, url: string) => ({
  pk: userPartition(username),
  sk: `${LINK_PREFIX}${urlHash(url)}`,
});
export const countersKey = (username: string) => ({ pk: userPartition(username), sk: COUNTERS });
const createdKey = (position: LinkPosition) => `${position.createdAt}#${urlHash(position.url)}`;

export function linkToItem(link: Link): LinkItem {
  return {
    ...linkKey(link.username, link.url),
    created: createdKey(link),
    username: link.username,
    url: link.url,
    title: link.title,
    description: link.description,
    tags: link.tags,
    private: link.private,
    status: link.status,
    http_status: link.httpStatus,
    checked_at: link.checkedAt,
    ...(link.checkReason ? { check_reason: link.checkReason } : {}),
    created_at: link.createdAt,
    updated_at: link.updatedAt,
    ...(link.publishedAt ? { published_at: link.publishedAt } : {}),
    version: link.version,
  };
}

export function linkFromItem(item: Record<string, unknown>): Link {
  const row = item as unknown as LinkItem;
  return {
    username: row.username,
    url: row.url,
    title: row.title ?? '',
    description: row.description ?? '',
    tags: row.tags ?? [],
    private: row.private ?? false,
    status: row.status,
    httpStatus: row.http_status ?? null,
    checkedAt: row.checked_at ?? null,
    ...(row.check_reason ? { checkReason: row.check_reason } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    // Links written before published_at existed were public since their creation, at the latest.
    ...(row.private ? {} : { publishedAt: row.published_at ?? row.created_at }),
    version: row.version ?? 1,
  };
}

export function isLinkItem(item: Record<string, unknown>): boolean {
  return typeof item.sk === 'string' && item.sk.startsWith(LINK_PREFIX);
}

export class DynamoLinkStore implements LinkStore {
  constructor(
    private readonly tableName: string = requiredEnv('LINKS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async insert(link: Link, maxLinks: number): Promise<InsertResult> {
    const command = new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: this.tableName,
            Item: linkToItem(link),
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: countersKey(link.username),
            UpdateExpression:
              'SET links_count = if_not_exists(links_count, :zero) + :one, ' +
              'public_links_count = if_not_exists(public_links_count, :zero) + :public',
            ConditionExpression: 'attribute_not_exists(links_count) OR links_count < :max',
            ExpressionAttributeValues: {
              ':zero': 0,
              ':one': 1,
              ':public': link.private ? 0 : 1,
              ':max': maxLinks,
            },
          },
        },
      ],
    });
    const reasons = await transact(this.db, command);
    if (!reasons) return { inserted: true };
    if (reasons[0]?.Code === 'ConditionalCheckFailed') {
      const existing = reasons[0].Item
        ? linkFromItem(unmarshall(reasons[0].Item))
        : await this.get(link.username, link.url);
      // A duplicate that vanished between the two reads is gone: the caller may simply add again.
      if (existing) return { inserted: false, reason: 'duplicate', existing };
      throw new Unavailable('The link changed while it was being added; try again.');
    }
    return { inserted: false, reason: 'limit' };
  }

  async get(username: string, url: string): Promise<Link | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: linkKey(username, url), ConsistentRead: true }),
    );
    return Item ? linkFromItem(Item) : undefined;
  }

  async replace(link: Link, previous: Link): Promise<boolean> {
    const put = {
      TableName: this.tableName,
      Item: linkToItem(link),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': previous.version },
    };
    if (link.private === previous.private) {
      try {
        await this.db.send(new PutCommand(put));
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    }
    // `private` flips: the public counter moves in the same transaction. The version condition guarantees that
    // the item still is `previous`, so the flip is counted exactly once.
    const command = new TransactWriteCommand({
      TransactItems: [
        { Put: put },
        {
          Update: {
            TableName: this.tableName,
            Key: countersKey(link.username),
            UpdateExpression: 'SET public_links_count = if_not_exists(public_links_count, :zero) + :change',
            ExpressionAttributeValues: { ':zero': 0, ':change': link.private ? -1 : 1 },
          },
        },
      ],
    });
    return (await transact(this.db, command)) === undefined;
  }

  /**
   * Removes the link and counts it out. Which counters drop depends on whether the link is private, so the link
   * is read first and deleted only if it still is as private as read; if it changed in between, again.
   */
  delete(username: string, url: string): Promise<boolean> {
    return retry(CONTENDED_DELETE_RETRY, async () => {
      const current = await this.get(username, url);
      if (!current) return false;
      const command = new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: this.tableName,
              Key: linkKey(username, url),
              ConditionExpression: 'attribute_exists(pk) AND #private = :private',
              ExpressionAttributeNames: { '#private': 'private' },
              ExpressionAttributeValues: { ':private': current.private },
            },
          },
          {
            Update: {
              TableName: this.tableName,
              Key: countersKey(username),
              UpdateExpression:
                'SET links_count = if_not_exists(links_count, :one) - :one, ' +
                'public_links_count = if_not_exists(public_links_count, :public) - :public',
              ExpressionAttributeValues: { ':one': 1, ':public': current.private ? 0 : 1 },
            },
          },
        ],
      });
      return (await transact(this.db, command)) === undefined ? true : TRY_AGAIN;
    });
  }

  async listNewestFirst(
    username: string,
    after: LinkPosition | undefined,
    pageSize: number,
  ): Promise<LinkPage> {
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: LINKS_BY_CREATED,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': userPartition(username) },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: pageSize,
        ExclusiveStartKey: after
          ? { ...linkKey(username, after.url), created: createdKey(after) }
          : undefined,
      }),
    );
    return { links: Items.map(linkFromItem), hasMore: LastEvaluatedKey !== undefined };
  }

  /** The user's newest public links, at most `count`, looking at no more than ten times that many. */
  async recentPublic(username: string, count: number): Promise<Link[]> {
    const found: Link[] = [];
    let after: LinkPosition | undefined;
    for (let examined = 0; found.length < count && examined < count * 10;) {
      const page = await this.listNewestFirst(username, after, count * 2);
      examined += page.links.length;
      found.push(...page.links.filter((link) => !link.private));
      const last = page.links.at(-1);
      if (!page.hasMore || !last) break;
      after = { createdAt: last.createdAt, url: last.url };
    }
    return found.slice(0, count);
  }

  /**
   * Writes a link check's result: status, http_status, checked_at and check_reason, and the title when one is
   * given and the link's title is still empty. Conditional, so that it never resurrects a deleted link
   * (`attribute_exists(pk)`) and never replaces a later check (checked_at is absent, NULL, or earlier).
   * updated_at stays as it is: a check is not the user's change. `version` is bumped, so that an update that
   * read the link before the check fails its own condition and reapplies itself on the fresh item instead of
   * putting the old status back.
   */
  async recordCheck(username: string, url: string, record: LinkCheckRecord): Promise<RecordCheckResult> {
    if (record.title) {
      const withTitle = await this.tryRecordCheck(username, url, record, true);
      if (withTitle !== 'title taken') return withTitle;
    }
    const result = await this.tryRecordCheck(username, url, record, false);
    if (result === 'title taken') throw new Error('unreachable: no title condition');
    return result;
  }

  private async tryRecordCheck(
    username: string,
    url: string,
    record: LinkCheckRecord,
    fillTitle: boolean,
  ): Promise<RecordCheckResult | 'title taken'> {
    const sets = [
      '#status = :status',
      'http_status = :http',
      'checked_at = :at',
      'check_reason = :reason',
      'version = if_not_exists(version, :one) + :one',
    ];
    const conditions = [
      'attribute_exists(pk)',
      '(attribute_not_exists(checked_at) OR attribute_type(checked_at, :null) OR checked_at < :at)',
    ];
    const values: Record<string, unknown> = {
      ':status': record.status,
      ':http': record.httpStatus,
      ':at': record.checkedAt,
      ':reason': record.reason,
      ':one': 1,
      ':null': 'NULL',
    };
    if (fillTitle) {
      sets.push('title = :title');
      conditions.push('(attribute_not_exists(title) OR title = :empty)');
      values[':title'] = record.title;
      values[':empty'] = '';
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: linkKey(username, url),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          // No ReturnValuesOnConditionCheckFailure: the checker may update only the check's attributes
          // (LINK_CHECK_ATTRIBUTES, its IAM grant), and the whole old item would be more than those.
        }),
      );
      return { written: true, titleFilled: fillTitle };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Which condition failed: the item as it is now.
      const { Item: item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: linkKey(username, url), ConsistentRead: true }),
      );
      if (!item) return { written: false, why: 'gone' };
      if (typeof item.checked_at === 'string' && item.checked_at >= record.checkedAt) {
        return { written: false, why: 'superseded' };
      }
      if (fillTitle) return 'title taken';
      // Neither gone nor superseded, yet refused: it changed between the write and the read; a retry decides.
      throw new Unavailable('The link changed while its check was being recorded; try again.');
    }
  }

  /**
   * Links due for a check, a page at a time: checked before `checkedBefore`, or never checked and created
   * before `uncheckedCreatedBefore`. A Scan (filtered, projecting only the keys a check needs): it runs once a
   * day from the schedule, and no index is worth keeping for it.
   */
  async *staleLinks(query: StaleLinkQuery): AsyncIterable<LinkRef[]> {
    const pages = paginateScan(
      { client: this.db, pageSize: 500 },
      {
        TableName: this.tableName,
        FilterExpression:
          'begins_with(sk, :prefix) AND (checked_at < :checkedBefore OR ' +
          '((attribute_not_exists(checked_at) OR attribute_type(checked_at, :null)) AND created_at < :createdBefore))',
        ExpressionAttributeValues: {
          ':prefix': LINK_PREFIX,
          ':checkedBefore': query.checkedBefore,
          ':createdBefore': query.uncheckedCreatedBefore,
          ':null': 'NULL',
        },
        // SPECIFIC_ATTRIBUTES, as the re-check's grant requires: it may see only STALE_LINK_SCAN_ATTRIBUTES.
        Select: 'SPECIFIC_ATTRIBUTES',
        ProjectionExpression: 'username, #url',
        ExpressionAttributeNames: { '#url': 'url' },
      },
    );
    for await (const page of pages) {
      const links = (page.Items ?? []).map((item) => ({
        username: item.username as string,
        url: item.url as string,
      }));
      if (links.length > 0) yield links;
    }
  }

  async *tagsOfAllLinks(username: string): AsyncIterable<string[]> {
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': userPartition(username), ':prefix': LINK_PREFIX },
        ProjectionExpression: 'tags',
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) yield (item.tags as string[] | undefined) ?? [];
    }
  }
}

/**
 * A user's link counts, read from the counters item that adds, deletes and changes of `private` keep exact: the
 * links context's answer to the users context's LinkCounts port (its profile routes), so that no other context
 * builds these keys.
 */
export class DynamoLinkCounts {
  constructor(
    private readonly tableName: string = requiredEnv('LINKS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  /** All the user's links, and those that are not private. */
  async linksCount(username: string): Promise<{ all: number; public: number }> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: countersKey(username),
        ProjectionExpression: 'links_count, public_links_count',
        ConsistentRead: true,
      }),
    );
    return {
      all: Math.max(0, Number(Item?.links_count ?? 0)),
      public: Math.max(0, Number(Item?.public_links_count ?? 0)),
    };
  }
}
