import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DocumentClient } from '../../../shared/aws/dynamodb.ts';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DomainError, Unavailable } from '../../../shared/errors.ts';
import { DynamoLinkStore } from '../../../shared/links/store.ts';
import { countersKey, linkKey, linkToItem } from '../../../shared/links/table.ts';
import { aLink } from '../../support/builders.ts';
import {
  conditionFailed,
  reason,
  throttling,
  throughputExceeded,
  transactionCancelled,
  validationError,
} from '../support/dynamo.ts';

/**
 * The adapter gets a document client. Commands sent through it never reach the DynamoDBClient's own `send`
 * (the document client marshals and runs them through its own middleware), so the mock must target
 * DynamoDBDocumentClient; mocking the class intercepts every instance.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const TABLE = 'links-table';
let store: DynamoLinkStore;

beforeEach(() => {
  dynamo.reset();
  vi.restoreAllMocks();
  vi.spyOn(Math, 'random').mockReturnValue(0); // no backoff between retried transactions
  store = new DynamoLinkStore(TABLE, new DocumentClient(new DynamoDBClient({})));
});
afterAll(() => {
  dynamo.restore();
  vi.restoreAllMocks();
});

const link = aLink({ username: 'alice', url: 'https://golang.org/', title: 'Golang' });
const transactions = () => dynamo.commandCalls(TransactWriteCommand);

describe('DynamoLinkStore.insert', () => {
  it('given a new link, when inserted, then one transaction puts it unless present and counts it unless at the limit', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    expect(await store.insert(link, 3)).toEqual({ inserted: true });

    expect(transactions()).toHaveLength(1);
    const [put, count] = transactions()[0]!.args[0].input.TransactItems!;
    expect(put!.Put).toEqual({
      TableName: TABLE,
      Item: linkToItem(link),
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(count!.Update).toMatchObject({
      TableName: TABLE,
      Key: countersKey('alice'),
      UpdateExpression:
        'SET links_count = if_not_exists(links_count, :zero) + :one, ' +
        'public_links_count = if_not_exists(public_links_count, :zero) + :public',
      ConditionExpression: 'attribute_not_exists(links_count) OR links_count < :max',
      ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':public': 1, ':max': 3 },
    });
  });

  it('given a private link, when inserted, then the public counter does not move', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    await store.insert({ ...link, private: true }, 3);

    const [, count] = transactions()[0]!.args[0].input.TransactItems!;
    expect(count!.Update!.ExpressionAttributeValues).toMatchObject({ ':one': 1, ':public': 0 });
  });

  it('given the put condition fails with the old item, when inserted, then a duplicate carrying that item, read from the failure alone', async () => {
    const existing = aLink({ url: 'https://golang.org/', title: 'First', tags: ['go'], version: 4 });
    dynamo
      .on(TransactWriteCommand)
      .rejects(transactionCancelled(reason.conditionFailed(linkToItem(existing)), reason.none));

    const result = await store.insert({ ...link, url: 'HTTPS://GOLANG.org:443/#top' }, 3);

    expect(result).toEqual({ inserted: false, reason: 'duplicate', existing });
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('given the put condition fails without the old item, when inserted, then the duplicate is read back consistently', async () => {
    const existing = aLink({ url: 'https://golang.org/', title: 'First' });
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled(reason.conditionFailed(), reason.none));
    dynamo.on(GetCommand).resolves({ Item: linkToItem(existing) });

    expect(await store.insert(link, 3)).toEqual({ inserted: false, reason: 'duplicate', existing });
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: linkKey('alice', 'https://golang.org/'),
      ConsistentRead: true,
    });
  });

  it('given the duplicate vanished before it could be read back, when inserted, then Unavailable (try again)', async () => {
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled(reason.conditionFailed(), reason.none));
    dynamo.on(GetCommand).resolves({});

    await expect(store.insert(link, 3)).rejects.toBeInstanceOf(Unavailable);
  });

  it('given the counter condition fails, when inserted, then the limit is reached', async () => {
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled(reason.none, reason.conditionFailed()));

    expect(await store.insert(link, 3)).toEqual({ inserted: false, reason: 'limit' });
  });

  it('given two cancellations by concurrent transactions, when inserted, then it is retried and succeeds on the third attempt', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(transactionCancelled(reason.conflict, reason.none))
      .rejectsOnce(transactionCancelled(reason.none, reason.conflict))
      .resolves({});

    expect(await store.insert(link, 3)).toEqual({ inserted: true });
    expect(transactions()).toHaveLength(3);
  });

  it('given every attempt collides with a concurrent transaction, when inserted, then Unavailable after a bounded number of attempts', async () => {
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled(reason.conflict, reason.conflict));

    await expect(store.insert(link, 3)).rejects.toBeInstanceOf(Unavailable);
    expect(transactions().length).toBeGreaterThan(2);
    expect(transactions().length).toBeLessThanOrEqual(10);
  });

  it('given a cancellation for throttling, when inserted, then Unavailable without retrying it as a conflict', async () => {
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled({ Code: 'ThrottlingError' }, reason.none));

    await expect(store.insert(link, 3)).rejects.toBeInstanceOf(Unavailable);
    expect(transactions()).toHaveLength(1);
  });

  it.each([
    ['ProvisionedThroughputExceededException', throughputExceeded],
    ['ThrottlingException', throttling],
  ])(
    'given DynamoDB still answers %s after the SDK has retried, when inserted, then Unavailable',
    async (_name, failure) => {
      // The mock replaces send(), retry middleware included: rejecting every call is what is left after retries.
      dynamo.on(TransactWriteCommand).rejects(failure());

      await expect(store.insert(link, 3)).rejects.toBeInstanceOf(Unavailable);
    },
  );

  it('given DynamoDB rejects the request as malformed, when inserted, then the error stays as it is: a bug, not an outage', async () => {
    const malformed = validationError('One or more parameter values were invalid');
    dynamo.on(TransactWriteCommand).rejects(malformed);

    const inserting = store.insert(link, 3);

    await expect(inserting).rejects.toBe(malformed);
    await expect(inserting).rejects.not.toBeInstanceOf(DomainError);
    expect(transactions()).toHaveLength(1);
  });
});

describe('DynamoLinkStore.get and replace', () => {
  it('given a stored link, when read, then with a consistent read, mapped back to the domain', async () => {
    dynamo.on(GetCommand, { Key: linkKey('alice', link.url) }).resolves({ Item: linkToItem(link) });

    expect(await store.get('alice', link.url)).toEqual(link);
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
  });

  it('given no such link, when read, then undefined', async () => {
    dynamo.on(GetCommand).resolves({});

    expect(await store.get('alice', link.url)).toBeUndefined();
  });

  it('given the link is still at the expected version, when replaced, then the put is conditional on that version', async () => {
    dynamo.on(PutCommand).resolves({});
    const changed = { ...link, title: 'Changed', version: 5 };

    expect(await store.replace(changed, { ...link, version: 4 })).toBe(true);

    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Item: linkToItem(changed),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': 4 },
    });
    expect(transactions()).toHaveLength(0);
  });

  it.each([
    [false, true, -1],
    [true, false, 1],
  ])(
    'given private goes from %s to %s, when replaced, then the put and the public counter change by %i in one transaction',
    async (wasPrivate, isPrivate, change) => {
      dynamo.on(TransactWriteCommand).resolves({});
      const previous = { ...link, private: wasPrivate, version: 4 };

      expect(await store.replace({ ...previous, private: isPrivate, version: 5 }, previous)).toBe(true);

      const [put, count] = transactions()[0]!.args[0].input.TransactItems!;
      expect(put!.Put).toMatchObject({ ConditionExpression: 'version = :expected' });
      expect(count!.Update).toMatchObject({
        Key: countersKey('alice'),
        UpdateExpression: 'SET public_links_count = if_not_exists(public_links_count, :zero) + :change',
        ExpressionAttributeValues: { ':zero': 0, ':change': change },
      });
    },
  );

  it('given private flips but the link changed meanwhile, when replaced, then false', async () => {
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled(reason.conditionFailed(), reason.none));

    expect(await store.replace({ ...link, private: true, version: 5 }, { ...link, version: 4 })).toBe(false);
  });

  it('given the link changed meanwhile, when replaced, then false', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());

    expect(await store.replace({ ...link, version: 5 }, { ...link, version: 4 })).toBe(false);
  });

  it('given throttling, when replaced, then Unavailable rather than false', async () => {
    dynamo.on(PutCommand).rejects(throughputExceeded());

    await expect(store.replace({ ...link, version: 5 }, { ...link, version: 4 })).rejects.toBeInstanceOf(
      Unavailable,
    );
  });
});

describe('DynamoLinkStore.delete', () => {
  it.each([
    [false, 1],
    [true, 0],
  ])(
    'given the link exists with private %s, when deleted, then true, in one transaction that drops the public counter by %i',
    async (isPrivate, publicDrop) => {
      dynamo.on(GetCommand).resolves({ Item: linkToItem({ ...link, private: isPrivate }) });
      dynamo.on(TransactWriteCommand).resolves({});

      expect(await store.delete('alice', link.url)).toBe(true);

      const [removal, count] = transactions()[0]!.args[0].input.TransactItems!;
      expect(removal!.Delete).toEqual({
        TableName: TABLE,
        Key: linkKey('alice', link.url),
        ConditionExpression: 'attribute_exists(pk) AND #private = :private',
        ExpressionAttributeNames: { '#private': 'private' },
        ExpressionAttributeValues: { ':private': isPrivate },
      });
      expect(count!.Update).toMatchObject({
        Key: countersKey('alice'),
        UpdateExpression:
          'SET links_count = if_not_exists(links_count, :one) - :one, ' +
          'public_links_count = if_not_exists(public_links_count, :public) - :public',
        ExpressionAttributeValues: { ':one': 1, ':public': publicDrop },
      });
    },
  );

  it('given private flipped between the read and the delete, when deleted, then it reads again and counts the link as it is now', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: linkToItem({ ...link, private: false }) })
      .resolves({ Item: linkToItem({ ...link, private: true }) });
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(transactionCancelled(reason.conditionFailed(), reason.none))
      .resolves({});

    expect(await store.delete('alice', link.url)).toBe(true);

    const [removal, count] = transactions()[1]!.args[0].input.TransactItems!;
    expect(removal!.Delete!.ExpressionAttributeValues).toEqual({ ':private': true });
    expect(count!.Update!.ExpressionAttributeValues).toMatchObject({ ':public': 0 });
  });

  it('given no such link, when deleted, then false without a write', async () => {
    dynamo.on(GetCommand).resolves({});

    expect(await store.delete('alice', link.url)).toBe(false);
    expect(transactions()).toHaveLength(0);
  });

  it('given the link vanishes between the read and the delete, when deleted, then false', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: linkToItem(link) })
      .resolves({});
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled(reason.conditionFailed(), reason.none));

    expect(await store.delete('alice', link.url)).toBe(false);
  });
});

describe('DynamoLinkStore.listNewestFirst', () => {
  const older = aLink({ url: 'https://older.example/', created_at: '2026-11-01T00:00:00.000Z' });

  it('given no position, when listing, then it queries the byCreated index newest first, consistently, from the start', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [linkToItem(link)], LastEvaluatedKey: { pk: 'USER#alice' } });

    const page = await store.listNewestFirst('alice', undefined, 11);

    expect(page).toEqual({ links: [link], hasMore: true });
    const input = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      TableName: TABLE,
      IndexName: 'byCreated',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'USER#alice' },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 11,
    });
    expect(input.ExclusiveStartKey).toBeUndefined();
  });

  it('given the position of a link, when listing, then the query starts after exactly that link: its table and index keys', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [linkToItem(older)] });

    const page = await store.listNewestFirst('alice', { created_at: link.created_at, url: link.url }, 5);

    expect(page).toEqual({ links: [older], hasMore: false });
    const { pk, sk, created } = linkToItem(link);
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input.ExclusiveStartKey).toEqual({
      pk,
      sk,
      created,
    });
  });

  it('given throttling, when listing, then Unavailable', async () => {
    dynamo.on(QueryCommand).rejects(throughputExceeded());

    await expect(store.listNewestFirst('alice', undefined, 5)).rejects.toBeInstanceOf(Unavailable);
  });
});

describe('DynamoLinkStore.tagsOfAllLinks', () => {
  const collect = async (username: string) => {
    const all: string[][] = [];
    for await (const tags of store.tagsOfAllLinks(username)) all.push(tags);
    return all;
  };

  it("given tags spread over three pages, when read, then every page is fetched in turn and each link's tags yielded", async () => {
    const startKeys: unknown[] = [];
    const pages: Record<
      string,
      { Items: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> }
    > = {
      start: {
        Items: [{ tags: ['go'] }, { tags: ['k8s'] }],
        LastEvaluatedKey: { pk: 'USER#alice', sk: 'LINK#b' },
      },
      'LINK#b': { Items: [{}], LastEvaluatedKey: { pk: 'USER#alice', sk: 'LINK#c' } },
      'LINK#c': { Items: [{ tags: ['go', 'web'] }] },
    };
    dynamo.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      startKeys.push(input.ExclusiveStartKey && { ...input.ExclusiveStartKey });
      return pages[(input.ExclusiveStartKey?.sk as string | undefined) ?? 'start'];
    });

    expect(await collect('alice')).toEqual([['go'], ['k8s'], [], ['go', 'web']]);

    expect(startKeys).toEqual([
      undefined,
      { pk: 'USER#alice', sk: 'LINK#b' },
      { pk: 'USER#alice', sk: 'LINK#c' },
    ]);
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'USER#alice', ':prefix': 'LINK#' },
      ProjectionExpression: 'tags',
    });
  });

  it('given throttling on the second page, when read, then Unavailable', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ tags: ['go'] }], LastEvaluatedKey: { pk: 'USER#alice', sk: 'LINK#b' } })
      .rejects(throttling());

    await expect(collect('alice')).rejects.toBeInstanceOf(Unavailable);
  });
});
