import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Unavailable } from '../../../shared/errors.ts';
import { DynamoFeedStore } from '../../../shared/news/dynamodb.ts';
import { linkEvent } from '../../../shared/news/model.ts';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', maxAttempts: 1 }));
const dynamo = mockClient(db);
const event = linkEvent('link_added', 'bob', 'https://go.dev/', 'Go', '2026-11-23T18:00:00.000Z');
const readers = (n: number) => Array.from({ length: n }, (_, i) => `reader${i}`);

beforeEach(() => dynamo.reset());

describe('writing an event into many feeds', () => {
  it('given 60 readers, then it writes in BatchWriteItem calls of at most 25', async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    const store = new DynamoFeedStore('feeds', db, 0);

    await store.putAll(readers(60).map((reader) => ({ reader, event })));

    const sizes = dynamo
      .commandCalls(BatchWriteCommand)
      .map((c) => c.args[0].input.RequestItems!.feeds!.length);
    expect(sizes).toEqual([25, 25, 10]);
  });

  it('given DynamoDB leaves items unprocessed, then exactly those are retried until written', async () => {
    dynamo
      .on(BatchWriteCommand)
      .callsFakeOnce((input: BatchWriteCommand['input']) => ({
        UnprocessedItems: { feeds: input.RequestItems!.feeds!.slice(0, 3) },
      }))
      .resolves({});
    const store = new DynamoFeedStore('feeds', db, 0);

    await store.putAll(readers(5).map((reader) => ({ reader, event })));

    const calls = dynamo.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems!.feeds!);
    expect(calls.map((items) => items.length)).toEqual([5, 3]);
    expect(calls[1]).toEqual(calls[0]!.slice(0, 3));
  });

  it('given items that stay unprocessed, then it gives up with an error so the message is retried', async () => {
    dynamo
      .on(BatchWriteCommand)
      .callsFake((input: BatchWriteCommand['input']) => ({ UnprocessedItems: input.RequestItems }));
    const store = new DynamoFeedStore('feeds', db, 0);

    await expect(store.putAll([{ reader: 'alice', event }])).rejects.toThrow(/unprocessed/);
    expect(dynamo.commandCalls(BatchWriteCommand).length).toBe(8);
  });

  it('given DynamoDB throttles past the SDK retries, then the failure is Unavailable', async () => {
    dynamo.on(BatchWriteCommand).rejects(
      Object.assign(new Error('slow down'), {
        name: 'ProvisionedThroughputExceededException',
        $fault: 'client',
      }),
    );
    const store = new DynamoFeedStore('feeds', db, 0);

    await expect(store.putAll([{ reader: 'alice', event }])).rejects.toBeInstanceOf(Unavailable);
  });

  it('given the same event written twice for a reader, then both writes use the same key', async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    const store = new DynamoFeedStore('feeds', db, 0);

    await store.putAll([{ reader: 'alice', event }]);
    await store.putAll([{ reader: 'alice', event }]);

    const keys = dynamo.commandCalls(BatchWriteCommand).map((c) => {
      const item = c.args[0].input.RequestItems!.feeds![0]!.PutRequest!.Item!;
      return `${item.pk}|${item.sk}`;
    });
    expect(new Set(keys).size).toBe(1);
  });

  it('given an unfollow, then it deletes the reader’s entries by that author found through the byAuthor index', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        { pk: 'FEED#alice', sk: 'a' },
        { pk: 'FEED#alice', sk: 'b' },
      ],
    });
    dynamo.on(BatchWriteCommand).resolves({});
    const store = new DynamoFeedStore('feeds', db, 0);

    await store.removeByAuthor('alice', 'bob');

    const query = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query).toMatchObject({ IndexName: 'byAuthor', ExpressionAttributeValues: { ':prefix': 'bob#' } });
    const deletes = dynamo.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems!.feeds!;
    expect(deletes.map((d) => d.DeleteRequest?.Key)).toEqual([
      { pk: 'FEED#alice', sk: 'a' },
      { pk: 'FEED#alice', sk: 'b' },
    ]);
  });
});
