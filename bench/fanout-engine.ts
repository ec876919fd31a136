import {
  BatchExecuteStatementCommand,
  BatchGetCommand,
  BatchWriteCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { inBatches, type DocumentClient } from '../shared/aws/dynamodb.ts';
import { mapAtMost } from '../shared/concurrency.ts';
import { FeedWriter } from '../shared/news/core.ts';
import { DynamoFeedStore, ExclusiveFeedStore, slotEntryToItem } from '../shared/news/dynamodb.ts';
import { linkEvent, linkRevision, type FeedChange, type Reader } from '../shared/news/model.ts';
import { DynamoFollowStore } from '../shared/social/dynamodb.ts';
import { FollowersForNews } from '../shared/social/followers-for-news.ts';
import { time } from './stats.ts';

/** Readers per feed-write message, as the fan-out sends them. */
const READERS_PER_MESSAGE = 100;
/** TransactWriteItems takes at most 100 items per call. */
const TRANSACTION_ITEMS = 100;

/**
 * Where a large fan-out's time goes, apart from the queues and pollers: the same number of feed entries written
 * on the runtime's DynamoDB Local by BatchWriteItem (the floor), by PartiQL INSERT as the feed store sends them,
 * by TransactWriteItems of 100 puts each on the condition that the slot is empty (the one batched write that
 * takes conditions, at two write units an item on DynamoDB), by a writer that reads its slots first and then puts
 * them blindly (per 100 readers, a strongly consistent BatchGetItem of their slots, then BatchWriteItem: what a
 * writer that no other writer of those feeds can overtake would do, such as the one consumer of a FIFO group of
 * readers), by the conditional writes that timelines take, and by the feed writer itself (the one writer of its
 * readers' group) in messages of 100 readers, without and with its follow check, each with `inFlight` calls or
 * messages at once. Answers the rows, in seconds.
 */
export async function feedWritesOnTheEngine(
  db: DocumentClient,
  tables: { feeds: string; social: string },
  followers: number,
  inFlight: number,
): Promise<[string, number][]> {
  const created = new Date(Date.now() - 60_000).toISOString();
  const since = new Date(Date.now() - 3_600_000).toISOString();
  const revision = linkRevision(created, 1);
  const readers = (run: string): Reader[] =>
    Array.from({ length: followers }, (_, i) => ({ username: `engine-${run}-${i}`, since }));
  const eventOf = (run: string) =>
    linkEvent('link_added', `engine-${run}`, `https://example.com/${run}`, 'A page', created);
  const change = (run: string): FeedChange => ({ kind: 'publish', event: eventOf(run), revision });
  const itemsOf = (run: string) =>
    readers(run).map((reader) =>
      slotEntryToItem({
        reader: reader.username,
        author: `engine-${run}`,
        url: `https://example.com/${run}`,
        slot: 'added',
        event: eventOf(run),
        revision,
        followedSince: since,
        order: `${since}#${revision}#1`,
        expiresAtEpoch: 1_900_000_000,
      }),
    );
  const atOnce = <T>(all: T[], work: (item: T) => Promise<unknown>) => mapAtMost(inFlight, all, work);
  const store = new ExclusiveFeedStore(tables.feeds, db);
  const noBackfill = { recentPublic: async () => [] };
  const noFollowCheck = { ended: async () => new Set<string>() };
  const unchecked = new FeedWriter(store, noBackfill, noFollowCheck);
  const conditional = new FeedWriter(new DynamoFeedStore(tables.feeds, db), noBackfill, noFollowCheck);
  const checked = new FeedWriter(
    store,
    noBackfill,
    new FollowersForNews(new DynamoFollowStore(tables.social, db)),
  );
  const byWriter = (writer: FeedWriter, run: string) => () =>
    atOnce(inBatches(readers(run), READERS_PER_MESSAGE), (part) =>
      writer.apply({ change: change(run), readers: part }),
    );
  return [
    [
      'BatchWriteItem, 25 a call',
      await time(() =>
        atOnce(inBatches(itemsOf('raw'), 25), (items) =>
          db.send(
            new BatchWriteCommand({
              RequestItems: { [tables.feeds]: items.map((Item) => ({ PutRequest: { Item } })) },
            }),
          ),
        ),
      ),
    ],
    [
      'PartiQL INSERT, 25 a call',
      await time(() =>
        atOnce(inBatches(itemsOf('insert'), 25), (items) =>
          db.send(
            new BatchExecuteStatementCommand({
              Statements: items.map((item) => ({
                Statement: `INSERT INTO "${tables.feeds}" VALUE {${Object.keys(item)
                  .map((name) => `'${name}': ?`)
                  .join(', ')}}`,
                Parameters: Object.values(item),
              })),
            }),
          ),
        ),
      ),
    ],
    [
      'TransactWriteItems, 100 a call',
      await time(() =>
        atOnce(inBatches(itemsOf('transact'), TRANSACTION_ITEMS), (items) =>
          db.send(
            new TransactWriteCommand({
              TransactItems: items.map((Item) => ({
                Put: { TableName: tables.feeds, Item, ConditionExpression: 'attribute_not_exists(pk)' },
              })),
            }),
          ),
        ),
      ),
    ],
    [
      'slots read, then put blindly, per 100',
      await time(() =>
        atOnce(inBatches(itemsOf('read-then-put'), READERS_PER_MESSAGE), async (items) => {
          await db.send(
            new BatchGetCommand({
              RequestItems: {
                [tables.feeds]: {
                  Keys: items.map(({ pk, sk }) => ({ pk, sk })),
                  ConsistentRead: true,
                  ProjectionExpression: 'hidden_revision, entry_order',
                },
              },
            }),
          );
          for (const part of inBatches(items, 25)) {
            await db.send(
              new BatchWriteCommand({
                RequestItems: { [tables.feeds]: part.map((Item) => ({ PutRequest: { Item } })) },
              }),
            );
          }
        }),
      ),
    ],
    ['conditional writes, as timelines', await time(byWriter(conditional, 'conditional'))],
    ['the feed writer, no follow check', await time(byWriter(unchecked, 'unchecked'))],
    ['the feed writer and its follow check', await time(byWriter(checked, 'checked'))],
  ].map(([what, ms]) => [what as string, (ms as number) / 1000]);
}
