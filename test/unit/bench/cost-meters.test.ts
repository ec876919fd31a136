import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchExecuteStatementCommand,
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  itemBytes,
  meterCapacity,
  noCapacity,
  s3KeyKind,
  s3RequestClass,
  watchFeedWrites,
  type WatchedCall,
} from '../../../bench/cost/meters.ts';
import { DocumentClient } from '../../../shared/aws/dynamodb.ts';

/**
 * The meter is middleware, which aws-sdk-client-mock's stubbed `send` would skip: these tests run the real client
 * over a request handler that answers like DynamoDB, and read the request the client serialized.
 */
function aDynamoDb(status: number, answer: object, indexKeys: string[][] = []) {
  const sent: Record<string, unknown>[] = [];
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { body?: string | Uint8Array }) => {
        sent.push(
          JSON.parse(
            typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body),
          ) as Record<string, unknown>,
        );
        return {
          response: {
            statusCode: status,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from(JSON.stringify(answer))]),
          },
        };
      },
    },
  });
  const count = noCapacity();
  meterCapacity(client, count, () => indexKeys);
  return { db: new DocumentClient(client), client, count, sent };
}

describe('the cost benchmark: the DynamoDB capacity meter', () => {
  it('given an UpdateItem, when sent, then it asks for TOTAL consumed capacity and counts the answer as write units', async () => {
    const { db, count, sent } = aDynamoDb(200, {
      ConsumedCapacity: { TableName: 'links', CapacityUnits: 2 },
    });

    await db.send(
      new UpdateCommand({
        TableName: 'links',
        Key: { pk: 'a' },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': 1 },
      }),
    );

    expect(sent[0]!.ReturnConsumedCapacity).toBe('TOTAL');
    expect(count).toMatchObject({ writeUnits: 2, readUnits: 0, calls: 1, reported: 1 });
  });

  it('given a BatchGetItem over two tables, when answered, then the units of each table are added as read units', async () => {
    const { db, count } = aDynamoDb(200, {
      Responses: { links: [], social: [] },
      ConsumedCapacity: [
        { TableName: 'links', CapacityUnits: 1.5 },
        { TableName: 'social', CapacityUnits: 3 },
      ],
    });

    await db.send(
      new BatchGetCommand({
        RequestItems: { links: { Keys: [{ pk: 'a' }] }, social: { Keys: [{ pk: 'b' }] } },
      }),
    );

    expect(count).toMatchObject({ readUnits: 4.5, writeUnits: 0 });
    expect(count.byCommand.get('BatchGetItem')).toEqual({ calls: 1, units: 4.5 });
  });

  it('given a BatchGetItem whose keys hold no item, when answered, then each is estimated as DynamoDB bills it (1 unit strongly consistent, 0.5 eventually), unprocessed keys aside', async () => {
    const { db, count } = aDynamoDb(200, {
      Responses: { feeds: [{ pk: { S: 'a' } }], social: [] },
      UnprocessedKeys: { social: { Keys: [{ pk: { S: 'z' } }] } },
      ConsumedCapacity: [{ TableName: 'feeds', CapacityUnits: 1 }],
    });

    await db.send(
      new BatchGetCommand({
        RequestItems: {
          feeds: { Keys: [{ pk: 'a' }, { pk: 'b' }, { pk: 'c' }], ConsistentRead: true },
          social: { Keys: [{ pk: 'x' }, { pk: 'y' }, { pk: 'z' }] },
        },
      }),
    );

    expect(count).toMatchObject({ readUnits: 1, estimatedReadUnits: 2 + 1 });
  });

  it('given a strongly consistent GetItem of a key that holds no item, when answered, then one read unit is estimated', async () => {
    const { db, count } = aDynamoDb(200, { ConsumedCapacity: { TableName: 'users', CapacityUnits: 0 } });

    await db.send(new GetCommand({ TableName: 'users', Key: { pk: 'a' }, ConsistentRead: true }));

    expect(count).toMatchObject({ readUnits: 0, estimatedReadUnits: 1 });
  });

  it('given a transaction of three items refused by a condition, when sent, then two write units per item are estimated', async () => {
    const { db, count } = aDynamoDb(400, {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      message: 'Transaction cancelled',
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }],
    });
    const put = (pk: string) => ({ Put: { TableName: 'social', Item: { pk } } });

    await expect(
      db.send(new TransactWriteCommand({ TransactItems: [put('a'), put('b'), put('c')] })),
    ).rejects.toThrow();

    expect(count).toMatchObject({ estimatedWriteUnits: 6, writeUnits: 0, reported: 0 });
  });

  const anInsert = (pk: string, attributes: Record<string, unknown> = {}) => {
    const item = { pk, ...attributes };
    return {
      Statement: `INSERT INTO "feeds" VALUE {${Object.keys(item)
        .map((name) => `'${name}': ?`)
        .join(', ')}}`,
      Parameters: Object.values(item),
    };
  };

  it('given PartiQL INSERTs answered without ConsumedCapacity, when one lands and one is a duplicate, then the landed item is estimated in the table and its index and the duplicate as a refused write', async () => {
    const { db, count, sent } = aDynamoDb(
      200,
      {
        Responses: [
          {},
          { Error: { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' } },
        ],
      },
      [['pk', 'time_key']],
    );

    await db.send(
      new BatchExecuteStatementCommand({
        Statements: [anInsert('FEED#bob', { time_key: 't', title: 'x'.repeat(1500) }), anInsert('FEED#eve')],
      }),
    );

    expect(sent[0]!.ReturnConsumedCapacity).toBe('TOTAL');
    // 1,500 bytes of title and the rest: 2 units in the table, 2 in the index.
    expect(count).toMatchObject({ writeUnits: 4, estimatedPartiqlWriteUnits: 4, estimatedWriteUnits: 1 });
    expect(count.writeUnitsByTable.get('feeds')).toBe(4);
    expect(count.byCommand.get('BatchExecuteStatement')).toEqual({ calls: 1, units: 4 });
  });

  it('given PartiQL INSERTs answered with ConsumedCapacity, when counted, then the answer is taken and nothing estimated', async () => {
    const { db, count } = aDynamoDb(200, {
      Responses: [{}],
      ConsumedCapacity: [{ TableName: 'feeds', CapacityUnits: 2 }],
    });

    await db.send(new BatchExecuteStatementCommand({ Statements: [anInsert('FEED#bob')] }));

    expect(count).toMatchObject({ writeUnits: 2, estimatedPartiqlWriteUnits: 0, reported: 1 });
  });

  it('given an item, when sized, then names and values count by their bytes and numbers by their digits', () => {
    expect(itemBytes({ pk: 'abc', n: 12345 })).toBe(2 + 3 + 1 + 4);
    expect(itemBytes({ tags: ['é'] })).toBe(4 + 3 + 1 + 2);
  });

  it('given a call that takes no ReturnConsumedCapacity, when sent, then it is neither changed nor counted', async () => {
    const { client, count, sent } = aDynamoDb(200, { Table: { TableName: 'links' } });

    await client.send(new DescribeTableCommand({ TableName: 'links' }));

    expect(sent[0]!.ReturnConsumedCapacity).toBeUndefined();
    expect(count.calls).toBe(0);
  });

  it('given S3 commands, when classed, then PUT and LIST are the dear requests, GET the cheap ones and DELETE free', () => {
    expect(s3RequestClass('PutObjectCommand')).toBe('write');
    expect(s3RequestClass('ListObjectsV2Command')).toBe('write');
    expect(s3RequestClass('GetObjectCommand')).toBe('read');
    expect(s3RequestClass('HeadObjectCommand')).toBe('read');
    expect(s3RequestClass('DeleteObjectsCommand')).toBe('free');
  });

  it('given object keys, when told apart, then page texts stand apart from the snapshots beside them', () => {
    expect(s3KeyKind('snapshots/alice/Qm9vaw/20261202T180000000Z.html.gz')).toBe('snapshots/');
    expect(s3KeyKind('snapshots/alice/Qm9vaw/')).toBe('snapshots/');
    expect(s3KeyKind('snapshots/alice/text/Qm9vaw.txt.gz')).toBe('snapshots/…/text/');
    expect(s3KeyKind('indexes/alice.idx')).toBe('indexes/');
  });
});

describe('the news benchmarks: the feed writes watcher', () => {
  const aWatchedDynamoDb = (status: number, answer: object) => {
    const dynamo = aDynamoDb(status, answer);
    const calls: WatchedCall[] = [];
    watchFeedWrites(dynamo.client, 'feeds', (call) => calls.push(call));
    return { ...dynamo, calls };
  };
  const anInsertInto = (table: string, pk: string, sk: string) => ({
    Statement: `INSERT INTO "${table}" VALUE {'pk': ?, 'sk': ?}`,
    Parameters: [pk, sk],
  });

  it('given INSERTs into the feeds and another table, when one feed item is a duplicate, then each feed item is reported with whether it landed', async () => {
    const { db, calls } = aWatchedDynamoDb(200, {
      Responses: [{}, { Error: { Code: 'DuplicateItem', Message: 'Duplicate primary key' } }, {}],
    });

    await db.send(
      new BatchExecuteStatementCommand({
        Statements: [
          anInsertInto('feeds', 'FEED#bob', 'SLOT#ann#a#added'),
          anInsertInto('feeds', 'FEED#eve', 'SLOT#ann#a#added'),
          anInsertInto('links', 'USER#ann', 'LINK#a'),
        ],
      }),
    );

    expect(calls).toHaveLength(1);
    expect(calls[0]!.command).toBe('BatchExecuteStatement');
    expect(calls[0]!.feedWrites).toEqual([
      { pk: 'FEED#bob', sk: 'SLOT#ann#a#added', landed: true },
      { pk: 'FEED#eve', sk: 'SLOT#ann#a#added', landed: false },
    ]);
  });

  it('given an UpdateItem of a feed item refused by its condition, when sent, then it is reported as not landed and the error still reaches the caller', async () => {
    const { db, calls } = aWatchedDynamoDb(400, {
      __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      message: 'The conditional request failed',
    });

    await expect(
      db.send(
        new UpdateCommand({
          TableName: 'feeds',
          Key: { pk: 'FEED#bob', sk: 'SLOT#ann#a#added' },
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': 1 },
        }),
      ),
    ).rejects.toThrow();

    expect(calls.map((call) => call.feedWrites)).toEqual([
      [{ pk: 'FEED#bob', sk: 'SLOT#ann#a#added', landed: false }],
    ]);
  });

  it('given a BatchWriteItem over the feeds and a Query, when sent, then the batch reports its feed items and the Query comes with none', async () => {
    const { db, calls } = aWatchedDynamoDb(200, {});

    await db.send(
      new BatchWriteCommand({
        RequestItems: {
          feeds: [{ DeleteRequest: { Key: { pk: 'FEED#bob', sk: 'SLOT#ann#a#added' } } }],
          social: [{ DeleteRequest: { Key: { pk: 'USER#bob', sk: 'FOLLOWS#ann' } } }],
        },
      }),
    );
    await db.send(
      new QueryCommand({
        TableName: 'feeds',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'FEED#bob' },
      }),
    );

    expect(calls.map(({ command, feedWrites }) => ({ command, feedWrites }))).toEqual([
      { command: 'BatchWriteItem', feedWrites: [{ pk: 'FEED#bob', sk: 'SLOT#ann#a#added', landed: true }] },
      { command: 'Query', feedWrites: [] },
    ]);
  });
});
