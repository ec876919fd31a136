/**
 * The feeds table: each reader's news, written by the fan-out, read one page per query.
 *
 * | access pattern                           | key condition / write                                      |
 * |------------------------------------------|------------------------------------------------------------|
 * | a reader's news, newest first, paged     | pk = FEED#<reader>, ScanIndexForward = false               |
 * | write an event into many feeds           | BatchWriteItem, 25 puts per call, UnprocessedItems retried |
 * | a reader's entries by one author (unfollow) | LSI byAuthor: pk = FEED#<reader>, begins_with(author_key, <author>#) |
 * | a reader's entries about one link (turned private) | LSI byAuthor: begins_with(author_key, <author>#<url hash>#) |
 *
 * Item shape: { pk: FEED#<reader>, sk: <timestamp>#<event id>, author_key: <author>#<url hash>#<timestamp>#<event id>,
 *   event_id, event_type, author, url, title, timestamp, expires_at_epoch }.
 * The key derives from the reader and the event alone, so a redelivered write overwrites the same item:
 * at-least-once delivery, exactly one entry. expires_at_epoch (event time + 90 days) is the TTL attribute.
 */
import {
  BatchWriteCommand,
  QueryCommand,
  paginateQuery,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { documentClient, guarded, translateAwsError } from '../aws/dynamodb.ts';
import { FEED_RETENTION_DAYS, type LinkEvent, type LinkEventType } from './model.ts';
import type { FeedEntry, FeedPosition, FeedStore } from './ports.ts';
import { requiredEnv } from '../config.ts';
import { keyPrefixes } from '../keys.ts';

export const FEED_BY_AUTHOR = 'byAuthor';
/** BatchWriteItem takes at most 25 requests per call. */
export const BATCH_WRITE_LIMIT = 25;
const UNPROCESSED_ATTEMPTS = 8;

interface FeedItem {
  pk: string;
  sk: string;
  author_key: string;
  event_id: string;
  event_type: LinkEventType;
  author: string;
  url: string;
  title: string;
  timestamp: string;
  expires_at_epoch: number;
}

const feedPartition = (reader: string) => `${keyPrefixes.feeds.reader}${reader}`;
const urlHash = (url: string) => createHash('sha256').update(url).digest('base64url').slice(0, 16);
const entrySortKey = (position: FeedPosition) => `${position.timestamp}#${position.id}`;

export function feedEntryToItem({ reader, event }: FeedEntry): FeedItem {
  return {
    pk: feedPartition(reader),
    sk: entrySortKey(event),
    author_key: `${event.author}#${urlHash(event.url)}#${event.timestamp}#${event.id}`,
    event_id: event.id,
    event_type: event.type,
    author: event.author,
    url: event.url,
    title: event.title,
    timestamp: event.timestamp,
    expires_at_epoch: Math.floor(Date.parse(event.timestamp) / 1000) + FEED_RETENTION_DAYS * 24 * 60 * 60,
  };
}

function eventFromItem(item: Record<string, unknown>): LinkEvent {
  const row = item as unknown as FeedItem;
  return {
    id: row.event_id,
    type: row.event_type,
    author: row.author,
    url: row.url,
    title: row.title,
    timestamp: row.timestamp,
  };
}

type WriteRequest = NonNullable<BatchWriteCommand['input']['RequestItems']>[string][number];

export class DynamoFeedStore implements FeedStore {
  constructor(
    private readonly tableName: string = requiredEnv('FEEDS_TABLE'),
    private readonly db: DynamoDBDocumentClient = documentClient(),
    /** First backoff step between retries of unprocessed items; it doubles each attempt, with full jitter. */
    private readonly backoffBaseMs = 25,
  ) {}

  async putAll(entries: FeedEntry[]): Promise<void> {
    await this.writeAll(entries.map((entry) => ({ PutRequest: { Item: feedEntryToItem(entry) } })));
  }

  async removeByAuthor(reader: string, author: string, url?: string): Promise<void> {
    const prefix = url ? `${author}#${urlHash(url)}#` : `${author}#`;
    const pages = paginateQuery(
      { client: this.db, pageSize: 250 },
      {
        TableName: this.tableName,
        IndexName: FEED_BY_AUTHOR,
        KeyConditionExpression: 'pk = :pk AND begins_with(author_key, :prefix)',
        ExpressionAttributeValues: { ':pk': feedPartition(reader), ':prefix': prefix },
        ProjectionExpression: 'pk, sk',
      },
    );
    try {
      for await (const page of pages) {
        await this.writeAll(
          (page.Items ?? []).map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } })),
        );
      }
    } catch (error) {
      throw translateAwsError(error);
    }
  }

  async page(reader: string, after: FeedPosition | undefined, pageSize: number): Promise<LinkEvent[]> {
    const { Items = [] } = await guarded(() =>
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': feedPartition(reader) },
          ScanIndexForward: false,
          Limit: pageSize,
          ExclusiveStartKey: after ? { pk: feedPartition(reader), sk: entrySortKey(after) } : undefined,
        }),
      ),
    );
    return Items.map(eventFromItem);
  }

  /**
   * BatchWriteItem in chunks of 25. It is not atomic: items it could not write come back as UnprocessedItems
   * and are retried with exponential backoff and jitter; what still fails is thrown, so the message is retried.
   */
  private async writeAll(requests: WriteRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += BATCH_WRITE_LIMIT) {
      let pending = requests.slice(i, i + BATCH_WRITE_LIMIT);
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > UNPROCESSED_ATTEMPTS) {
          throw new Error(
            `${pending.length} feed writes still unprocessed after ${UNPROCESSED_ATTEMPTS} attempts`,
          );
        }
        if (attempt > 1) await sleep(Math.random() * this.backoffBaseMs * 2 ** attempt);
        const { UnprocessedItems } = await guarded(() =>
          this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } })),
        );
        pending = UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }
}
