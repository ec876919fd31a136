import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchExecuteStatementCommand,
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
  type BatchExecuteStatementCommandInput,
  type BatchGetCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DocumentClient } from '../../../shared/aws/dynamodb.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { Unavailable } from '../../../shared/errors.ts';
import { DynamoFeedStore, ExclusiveFeedStore, slotEntryToItem } from '../../../shared/news/dynamodb.ts';
import { linkEvent, linkRevision } from '../../../shared/news/model.ts';
import type { SlotEntry } from '../../../shared/news/ports.ts';

const db = new DocumentClient(new DynamoDBClient({ region: 'us-east-1', maxAttempts: 1 }));
const dynamo = mockClient(DynamoDBDocumentClient);
const created = '2026-11-23T18:00:00.000Z';
const entryFor = (reader: string): SlotEntry => ({
  reader,
  author: 'bob',
  url: 'https://go.dev/',
  slot: 'added',
  event: linkEvent('link_added', 'bob', 'https://go.dev/', 'Go', created),
  revision: linkRevision(created, 1),
  followedSince: '2026-11-01T00:00:00.000Z',
  order: 'order-1',
  expiresAtEpoch: 1,
});
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

type BatchInput = { Statements: NonNullable<BatchExecuteStatementCommandInput['Statements']> };
/** The statements of each BatchExecuteStatement sent, in order. */
const insertCalls = () =>
  dynamo.commandCalls(BatchExecuteStatementCommand).map((call) => call.args[0].input.Statements!);

beforeEach(() => dynamo.reset());

describe('the feeds table adapter', () => {
  it('given 60 readers whose slots are empty, then it inserts every entry, 25 statements a call, and updates nothing', async () => {
    dynamo.on(BatchExecuteStatementCommand).callsFake(({ Statements }: BatchInput) => ({
      Responses: Statements.map(() => ({})),
    }));
    const store = new DynamoFeedStore('feeds', db);

    await store.writeEntries(Array.from({ length: 60 }, (_, i) => entryFor(`reader${i}`)));

    const calls = insertCalls();
    expect(calls.map((call) => call.length)).toEqual([25, 25, 10]);
    expect(new Set(calls.flat().map((statement) => statement.Parameters![0])).size).toBe(60);
    expect(calls[0]![0]!.Statement).toMatch(/^INSERT INTO "feeds" VALUE \{'pk': \?, 'sk': \?, /);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('given some slots already hold an item, then only those take the conditional update, which lands only over a lower order and an older hidden revision', async () => {
    const taken = new Set(['FEED#reader3', 'FEED#reader27']);
    dynamo.on(BatchExecuteStatementCommand).callsFake(({ Statements }: BatchInput) => ({
      Responses: Statements.map((statement) =>
        taken.has(statement.Parameters![0] as string)
          ? { Error: { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' } }
          : {},
      ),
    }));
    dynamo.on(UpdateCommand).resolves({});
    const store = new DynamoFeedStore('feeds', db);

    await store.writeEntries(Array.from({ length: 30 }, (_, i) => entryFor(`reader${i}`)));

    const updates = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates.map((update) => update.Key!.pk).sort()).toEqual([...taken].sort());
    expect(updates[0]!.ConditionExpression).toContain('hidden_revision < :entry_revision');
    expect(updates[0]!.ConditionExpression).toContain('entry_order < :entry_order');
  });

  it('given statements throttled, then only those are sent again until they land', async () => {
    dynamo
      .on(BatchExecuteStatementCommand)
      .callsFakeOnce(({ Statements }: BatchInput) => ({
        Responses: Statements.map((_, i) =>
          i % 2 === 0 ? { Error: { Code: 'ThrottlingError', Message: 'Throughput exceeds the limit' } } : {},
        ),
      }))
      .callsFake(({ Statements }: BatchInput) => ({ Responses: Statements.map(() => ({})) }));
    const store = new DynamoFeedStore('feeds', db);

    await store.writeEntries(Array.from({ length: 4 }, (_, i) => entryFor(`reader${i}`)));

    const [first, second] = insertCalls().map((call) => call.map((statement) => statement.Parameters![0]));
    expect(first).toEqual(['FEED#reader0', 'FEED#reader1', 'FEED#reader2', 'FEED#reader3']);
    expect(second).toEqual(['FEED#reader0', 'FEED#reader2']);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('given the same entry twice in one write, then one is inserted and the other takes the conditional update', async () => {
    dynamo.on(BatchExecuteStatementCommand).callsFake(({ Statements }: BatchInput) => ({
      Responses: Statements.map(() => ({})),
    }));
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    const store = new DynamoFeedStore('feeds', db);

    await store.writeEntries([entryFor('alice'), entryFor('alice')]);

    expect(insertCalls().flat()).toHaveLength(1);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('given a slot holding a newer write, then the failed condition is not an error', async () => {
    dynamo.on(BatchExecuteStatementCommand).resolves({
      Responses: [{ Error: { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' } }],
    });
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    const store = new DynamoFeedStore('feeds', db);

    await expect(store.writeEntries([entryFor('alice')])).resolves.toBeUndefined();
  });

  it('given a hide over an older entry, then one conditional update records the revision and removes the entry', async () => {
    dynamo.on(UpdateCommand).resolves({});
    const store = new DynamoFeedStore('feeds', db);

    await store.hide([{ ...entryFor('alice'), revision: linkRevision(created, 2) }]);

    const updates = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.UpdateExpression).toMatch(/^SET hidden_revision = :revision, .* REMOVE /);
    expect(updates[0]!.ConditionExpression).toBe(
      '(attribute_not_exists(hidden_revision) OR hidden_revision < :revision) AND ' +
        '(attribute_not_exists(entry_revision) OR entry_revision < :revision)',
    );
  });

  it('given a hide where the slot holds a newer entry, then the revision is recorded alone and the entry is removed only if older, each conditionally', async () => {
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({});
    const store = new DynamoFeedStore('feeds', db);

    await store.hide([{ ...entryFor('alice'), revision: linkRevision(created, 2) }]);

    const [, record, remove] = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(record!.UpdateExpression).toBe('SET hidden_revision = :revision, expires_at_epoch = :expires');
    expect(record!.ConditionExpression).toBe(
      'attribute_not_exists(hidden_revision) OR hidden_revision < :revision',
    );
    expect(remove!.UpdateExpression).toMatch(/^REMOVE /);
    expect(remove!.ConditionExpression).toBe('entry_revision < :revision');
  });

  it("given an unfollow, then it removes only the author's entries of that follow or older, read consistently", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ pk: 'FEED#alice', sk: 'SLOT#bob#x#added' }] });
    dynamo.on(UpdateCommand).resolves({});
    const store = new DynamoFeedStore('feeds', db);

    await store.removeFollowedUntil('alice', 'bob', '2026-11-01T00:00:00.000Z');

    const query = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query).toMatchObject({
      ConsistentRead: true,
      ExpressionAttributeValues: { ':prefix': 'SLOT#bob#', ':since': '2026-11-01T00:00:00.000Z' },
    });
    const remove = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(remove).toMatchObject({
      Key: { pk: 'FEED#alice', sk: 'SLOT#bob#x#added' },
      ConditionExpression: 'followed_since <= :since',
    });
  });

  it('given DynamoDB throttles past the SDK retries, then the failure is Unavailable', async () => {
    dynamo.on(BatchExecuteStatementCommand).rejects(
      Object.assign(new Error('slow down'), {
        name: 'ProvisionedThroughputExceededException',
        $fault: 'client',
      }),
    );
    const store = new DynamoFeedStore('feeds', db);

    await expect(store.writeEntries([entryFor('alice')])).rejects.toBeInstanceOf(Unavailable);
  });
});

type EntryItem = ReturnType<typeof slotEntryToItem>;

describe("the readers' feeds written by their one writer", () => {
  /** The slots that BatchGetItem finds, by sort key and reader partition; every other slot is empty. */
  const slotsHolding = (items: Record<string, unknown>[]) =>
    dynamo.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
      const asked = input.RequestItems!.feeds!;
      expect(asked.ConsistentRead).toBe(true);
      const keys = new Set(asked.Keys!.map((key) => `${String(key.pk)} ${String(key.sk)}`));
      return {
        Responses: { feeds: items.filter((item) => keys.has(`${String(item.pk)} ${String(item.sk)}`)) },
      };
    });
  const puts = () =>
    dynamo
      .commandCalls(BatchWriteCommand)
      .map((call) => call.args[0].input.RequestItems!.feeds!.map((request) => request.PutRequest!.Item!));
  beforeEach(() => dynamo.on(BatchWriteCommand).resolves({}));

  it('given 60 readers whose slots are empty, then one consistent read of their slots and their entries put whole, 25 a call, nothing conditional', async () => {
    slotsHolding([]);
    const store = new ExclusiveFeedStore('feeds', db);
    const entries = Array.from({ length: 60 }, (_, i) => entryFor(`reader${i}`));

    await store.writeEntries(entries);

    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(puts().map((call) => call.length)).toEqual([25, 25, 10]);
    expect(puts().flat()).toEqual(expect.arrayContaining(entries.map((entry) => slotEntryToItem(entry))));
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(BatchExecuteStatementCommand)).toHaveLength(0);
  });

  it('given slots hidden at or above the revision, or holding a higher order, then those are left as they are; a slot hidden below it takes the entry and keeps its hidden revision', async () => {
    const [hiddenAbove, higher, hiddenBelow] = ['ann', 'bea', 'cat'].map((reader) =>
      slotEntryToItem(entryFor(reader)),
    ) as [EntryItem, EntryItem, EntryItem];
    slotsHolding([
      { pk: hiddenAbove.pk, sk: hiddenAbove.sk, hidden_revision: linkRevision(created, 1) },
      { ...higher, entry_order: 'order-2' },
      { pk: hiddenBelow.pk, sk: hiddenBelow.sk, hidden_revision: linkRevision(created, 0) },
    ]);
    const store = new ExclusiveFeedStore('feeds', db);

    await store.writeEntries(['ann', 'bea', 'cat'].map(entryFor));

    expect(puts().flat()).toEqual([{ ...hiddenBelow, hidden_revision: linkRevision(created, 0) }]);
  });

  it('given a hide over an older entry, then the slot is put back without its entry, hidden at the revision', async () => {
    const item = slotEntryToItem(entryFor('alice'));
    slotsHolding([{ ...item, hidden_revision: linkRevision(created, 0) }]);
    const store = new ExclusiveFeedStore('feeds', db);

    await store.hide([{ ...entryFor('alice'), revision: linkRevision(created, 2), expiresAtEpoch: 9 }]);

    expect(puts().flat()).toEqual([
      { pk: item.pk, sk: item.sk, hidden_revision: linkRevision(created, 2), expires_at_epoch: 9 },
    ]);
  });

  it('given a hide where the slot holds a newer entry and a higher hidden revision, then nothing is written', async () => {
    const item = slotEntryToItem({ ...entryFor('alice'), revision: linkRevision(created, 3) });
    slotsHolding([{ ...item, hidden_revision: linkRevision(created, 2) }]);
    const store = new ExclusiveFeedStore('feeds', db);

    await store.hide([{ ...entryFor('alice'), revision: linkRevision(created, 2) }]);

    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it('given two entries of one slot in one call, then the higher order stands: the slot read once and written once', async () => {
    slotsHolding([]);
    const store = new ExclusiveFeedStore('feeds', db);
    const entry = entryFor('alice');

    await store.writeEntries([entry, { ...entry, order: 'order-0' }]);

    expect(puts().flat()).toEqual([slotEntryToItem(entry)]);
  });

  it("given an unfollow, then the author's slots of that follow or older are read consistently: those left empty are deleted, those that keep a hidden revision lose their entry conditionally (a put could bring back a slot the erasure deleted)", async () => {
    const bare = slotEntryToItem(entryFor('alice'));
    const hidden = slotEntryToItem({ ...entryFor('alice'), url: 'https://go.dev/doc' });
    dynamo.on(QueryCommand).resolves({ Items: [bare, { ...hidden, hidden_revision: 'r0' }] });
    dynamo.on(UpdateCommand).resolves({});
    const store = new ExclusiveFeedStore('feeds', db);

    await store.removeFollowedUntil('alice', 'bob', '2026-11-01T00:00:00.000Z');

    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      ConsistentRead: true,
      FilterExpression: 'followed_since <= :since',
      ExpressionAttributeValues: { ':prefix': 'SLOT#bob#', ':since': '2026-11-01T00:00:00.000Z' },
    });
    const deletes = dynamo
      .commandCalls(BatchWriteCommand)
      .flatMap((call) =>
        call.args[0].input.RequestItems!.feeds!.map((request) => request.DeleteRequest?.Key),
      );
    expect(deletes).toEqual([{ pk: bare.pk, sk: bare.sk }]);
    expect(dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({
        Key: { pk: hidden.pk, sk: hidden.sk },
        ConditionExpression: 'followed_since <= :since',
        UpdateExpression: expect.stringMatching(/^REMOVE /),
      }),
    ]);
  });
});

/** An item's size as DynamoDB bills it: each attribute's name and value, a number at most 21 bytes. */
const itemBytes = (item: object) =>
  Object.entries(item).reduce(
    (bytes, [name, value]) =>
      bytes + Buffer.byteLength(name) + (typeof value === 'number' ? 21 : Buffer.byteLength(String(value))),
    0,
  );

describe('the size of a feed entry', () => {
  it('given the longest usernames and a link with a 300-character URL and a 150-character title, then its item is at most 1 KB: one write unit', () => {
    const longest = (name: string) => name.padEnd(39, 'x');
    const url = `https://example.com/${'p'.repeat(280)}`;
    const event = linkEvent('link_updated', longest('author'), url, 'T'.repeat(150), created);
    const revision = linkRevision(created, 123);
    const since = '2026-11-01T00:00:00.000Z';

    const item = slotEntryToItem({
      reader: longest('reader'),
      author: event.author,
      url,
      slot: 'updated',
      event,
      revision,
      followedSince: since,
      order: `${since}#${revision}#1`,
      expiresAtEpoch: 1_780_000_000,
    });

    expect(itemBytes(item)).toBeLessThanOrEqual(1024);
  });
});
