import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { Unavailable } from '../errors.ts';
import { translatingSend } from './errors.ts';
import { traced } from '../tracing.ts';
import { sdkClientConfig, withoutSdkLogger } from './transport.ts';
import { retry, TRY_AGAIN, type RetryPolicy } from '../retry.ts';
import { mapAtMost } from '../concurrency.ts';

/**
 * The document client every DynamoDB adapter takes: its failures arrive as domain errors (see
 * shared/aws/errors.ts). The SDK's own retry strategy has already retried throttling, 5xx and network errors.
 */
export class DocumentClient extends DynamoDBDocumentClient {
  /** Sets the type apart, so that an adapter cannot be given a client that leaves its errors untranslated. */
  readonly translatesAwsErrors = true;

  constructor(client: DynamoDBClient = traced(withoutSdkLogger(new DynamoDBClient(sdkClientConfig())))) {
    super(client, { marshallOptions: { removeUndefinedValues: true } });
    // Assigned rather than declared as an override: the inherited `send` has callback overloads not needed here.
    const send = translatingSend((command, options) => super.send(command, options), 'The database');
    this.send = send as DynamoDBDocumentClient['send'];
  }
}

let client: DocumentClient | undefined;

/**
 * One document client per process, created on first use. The endpoint comes from the SDK's own
 * `AWS_ENDPOINT_URL_DYNAMODB` variable, which the local runtime points at DynamoDB Local.
 */
export function documentClient(): DocumentClient {
  client ??= new DocumentClient();
  return client;
}

/**
 * Transactions that collide with concurrent ones on the same items are cancelled with TransactionConflict. The
 * SDK does not retry a cancellation (it is an answer, not a fault), so transact does, with the shared policy.
 */
const TRANSACTION_RETRY: RetryPolicy = {
  attempts: 8,
  baseDelayMs: 20,
  maxDelayMs: 1000,
  giveUp: () => new Unavailable('The database is busy with other changes to these items; try again.'),
};

type CancellationReasons = NonNullable<TransactionCanceledException['CancellationReasons']>;

/**
 * Runs a transaction; undefined when it committed, else the cancellation reasons when a condition failed.
 * Cancellations caused only by concurrent transactions on the same items are retried with jittered backoff.
 */
export function transact(
  db: DocumentClient,
  command: TransactWriteCommand,
): Promise<CancellationReasons | undefined> {
  return retry(TRANSACTION_RETRY, async () => {
    try {
      await db.send(command);
      return undefined;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) return reasons;
      const conflictOnly = reasons.every(
        (r) => !r.Code || r.Code === 'None' || r.Code === 'TransactionConflict',
      );
      if (!conflictOnly) throw TRANSACTION_RETRY.giveUp();
      return TRY_AGAIN;
    }
  });
}

/** BatchWriteItem takes at most 25 requests per call. */
export const BATCH_WRITE_LIMIT = 25;
/** Batch writes in flight at once. */
const BATCH_WRITES_IN_FLIGHT = 4;
/**
 * BatchWrite answers what it could not write now as UnprocessedItems: the call succeeded, so the SDK's retry
 * strategy does not see them; they are written again with the shared policy.
 */
const UNPROCESSED_ITEMS_RETRY: RetryPolicy = {
  attempts: 10,
  baseDelayMs: 50,
  maxDelayMs: 2000,
  giveUp: () => new Unavailable('The database keeps refusing writes; try again.'),
};

export type ItemKey = Record<string, string>;

/** BatchGetItem takes at most 100 keys per call. */
export const BATCH_GET_LIMIT = 100;
/** BatchGetItem calls of one read under way at once: a read of a few hundred keys takes one round trip. */
const BATCH_GETS_IN_FLIGHT = 4;
/** Keys BatchGet leaves unprocessed (throttling) are asked for again with the shared policy. */
const UNPROCESSED_KEYS_RETRY: RetryPolicy = {
  attempts: 8,
  baseDelayMs: 50,
  maxDelayMs: 2000,
  giveUp: () => new Unavailable('The database is busy; try again.'),
};

/** The items in consecutive batches of at most `size`, as a batch call takes them. */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
}

/** One string per key, whatever the order of its attributes. */
const keyString = (key: ItemKey) => JSON.stringify(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : 1)));

/**
 * Reads the items by key, strongly consistent, with only the named attributes: 100 keys per BatchGetItem, up to
 * BATCH_GETS_IN_FLIGHT calls at once, unprocessed keys asked for again. A key given twice is asked for once
 * (BatchGetItem refuses a request that repeats a key). Missing items are simply absent; the order is the engine's.
 */
export async function batchGetConsistent(
  db: DocumentClient,
  tableName: string,
  asked: readonly ItemKey[],
  attributes: readonly string[],
): Promise<Record<string, unknown>[]> {
  const keys = [...new Map(asked.map((key) => [keyString(key), key])).values()];
  const names = Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name]));
  const found: Record<string, unknown>[] = [];
  await mapAtMost(BATCH_GETS_IN_FLIGHT, inBatches(keys, BATCH_GET_LIMIT), async (batch) => {
    let pending: Record<string, unknown>[] = batch;
    await retry(UNPROCESSED_KEYS_RETRY, async () => {
      const { Responses, UnprocessedKeys } = await db.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ConsistentRead: true,
              ProjectionExpression: Object.keys(names).join(', '),
              ExpressionAttributeNames: names,
            },
          },
        }),
      );
      found.push(...(Responses?.[tableName] ?? []));
      pending = UnprocessedKeys?.[tableName]?.Keys ?? [];
      return pending.length > 0 ? TRY_AGAIN : undefined;
    });
  });
  return found;
}

/**
 * batchGetConsistent answered key by key: for each key asked, in that order, its item (with the named attributes
 * and the key's own), or undefined where there is none.
 */
export async function batchGetInOrder(
  db: DocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
  attributes: readonly string[],
): Promise<(Record<string, unknown> | undefined)[]> {
  if (keys.length === 0) return [];
  const keyNames = Object.keys(keys[0]!);
  const items = await batchGetConsistent(db, tableName, keys, [...new Set([...keyNames, ...attributes])]);
  const keyOf = (item: Record<string, unknown>) =>
    keyString(Object.fromEntries(keyNames.map((name) => [name, String(item[name])])));
  const found = new Map(items.map((item) => [keyOf(item), item]));
  return keys.map((key) => found.get(keyString(key)));
}

/** Deletes the items by key, 25 per BatchWriteItem, a few calls at once; unprocessed ones are sent again. */
export function batchDelete(db: DocumentClient, tableName: string, keys: ItemKey[]): Promise<void> {
  return batchWrite(
    db,
    tableName,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
  );
}

/** Puts the items as they are (replacing any with the same keys), as batchDelete deletes. */
export function batchPut(
  db: DocumentClient,
  tableName: string,
  items: Record<string, unknown>[],
): Promise<void> {
  return batchWrite(
    db,
    tableName,
    items.map((Item) => ({ PutRequest: { Item } })),
  );
}

type WriteRequest =
  { DeleteRequest: { Key: Record<string, unknown> } } | { PutRequest: { Item: Record<string, unknown> } };

/** The requests, 25 per BatchWriteItem, a few calls at once; the unprocessed ones are sent again. */
async function batchWrite(db: DocumentClient, tableName: string, all: WriteRequest[]): Promise<void> {
  await mapAtMost(BATCH_WRITES_IN_FLIGHT, inBatches(all, BATCH_WRITE_LIMIT), async (batch) => {
    let requests = batch;
    await retry(UNPROCESSED_ITEMS_RETRY, async () => {
      const { UnprocessedItems } = await db.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = (UnprocessedItems?.[tableName] ?? []).flatMap((request): WriteRequest[] => {
        if (request.DeleteRequest?.Key) return [{ DeleteRequest: { Key: request.DeleteRequest.Key } }];
        if (request.PutRequest?.Item) return [{ PutRequest: { Item: request.PutRequest.Item } }];
        return [];
      });
      return requests.length > 0 ? TRY_AGAIN : undefined;
    });
  });
}

/**
 * Deletes one chunk of a partition's items (at most `limit`, read strongly consistent, keys only, optionally only
 * those whose sort key starts with `sortKeyPrefix`); true once nothing of it is left. Each chunk starts from the
 * partition's beginning, since what the last one read is gone: a repeated chunk deletes what is there, so it is
 * idempotent and needs no cursor.
 */
export async function deletePartitionChunk(
  db: DocumentClient,
  tableName: string,
  partitionKey: string,
  limit: number,
  sortKeyPrefix?: string,
): Promise<boolean> {
  const { Items = [], LastEvaluatedKey } = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: sortKeyPrefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: {
        ':pk': partitionKey,
        ...(sortKeyPrefix ? { ':prefix': sortKeyPrefix } : {}),
      },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  await batchDelete(
    db,
    tableName,
    Items.map((item) => ({ pk: item.pk as string, sk: item.sk as string })),
  );
  return LastEvaluatedKey === undefined;
}
