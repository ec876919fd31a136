import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  paginateQuery,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { documentClient, type DocumentClient, transact } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import { Unavailable } from '../errors.ts';
import { retry, TRY_AGAIN, type RetryPolicy } from '../retry.ts';
import type { Link, LinkPosition } from './model.ts';
import type { InsertResult, LinkPage, LinkStore } from './ports.ts';
import type { TransactionGuard } from '../transaction-guard.ts';
import {
  countersKey,
  LINK_PREFIX,
  linkFromItem,
  linkKey,
  linkToItem,
  queryNewestFirst,
  userPartition,
} from './table.ts';

/** The links API's storage (the LinkStore port) on the links table (its design: table.ts). */

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

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

export class DynamoLinkStore implements LinkStore {
  constructor(
    private readonly tableName: string = requiredEnv('LINKS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  /**
   * One transaction: the link (unless its URL is there), the user's counters (unless at the limit), and the
   * guard's items after them. The guard reads its own items' outcome first: its refusal wins, and it may ask for
   * the transaction again (fresh items, as when the rate limiter predicted the other of its two writes).
   */
  async insert(link: Link, maxLinks: number, guard?: TransactionGuard<Link>): Promise<InsertResult> {
    const own = [
      {
        Put: {
          TableName: this.tableName,
          Item: linkToItem(link),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
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
    ];
    let reasons: Awaited<ReturnType<typeof transact>>;
    for (;;) {
      const guardItems = (guard?.itemsFor(link) ?? []) as TransactItem[];
      reasons = await transact(this.db, new TransactWriteCommand({ TransactItems: [...own, ...guardItems] }));
      if (!guard || guard.settle(reasons?.slice(own.length)) === 'passed') break;
    }
    if (!reasons) return { inserted: true };
    if (reasons[0]?.Code === 'ConditionalCheckFailed') {
      const existing = reasons[0].Item
        ? linkFromItem(unmarshall(reasons[0].Item))
        : await this.get(link.username, link.url);
      // A duplicate that vanished between the two reads is gone: the caller may simply add again.
      if (existing) return { inserted: false, reason: 'duplicate', existing };
      throw new Unavailable('The link changed while it was being added; try again.');
    }
    if (reasons[1]?.Code === 'ConditionalCheckFailed') return { inserted: false, reason: 'limit' };
    throw new Unavailable('The link could not be added just now; try again.');
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
    return queryNewestFirst(this.db, this.tableName, username, after, pageSize);
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
