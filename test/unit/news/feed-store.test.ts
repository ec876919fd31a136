import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DocumentClient } from '../../../shared/aws/dynamodb.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { Unavailable } from '../../../shared/errors.ts';
import { DynamoFeedStore } from '../../../shared/news/dynamodb.ts';
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

beforeEach(() => dynamo.reset());

describe('the feeds table adapter', () => {
  it('given 40 readers, then it writes one conditional update per slot, none over a hidden revision or a higher order', async () => {
    dynamo.on(UpdateCommand).resolves({});
    const store = new DynamoFeedStore('feeds', db);

    await store.writeEntries(Array.from({ length: 40 }, (_, i) => entryFor(`reader${i}`)));

    const updates = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates).toHaveLength(40);
    expect(new Set(updates.map((u) => u.Key!.pk)).size).toBe(40);
    expect(updates[0]!.ConditionExpression).toContain('hidden_revision < :entry_revision');
    expect(updates[0]!.ConditionExpression).toContain('entry_order < :entry_order');
  });

  it('given the same entry written twice, then both writes aim at the same slot item', async () => {
    dynamo.on(UpdateCommand).resolvesOnce({}).rejects(conditionFailed());
    const store = new DynamoFeedStore('feeds', db);

    await store.writeEntries([entryFor('alice')]);
    await store.writeEntries([entryFor('alice')]);

    const keys = dynamo.commandCalls(UpdateCommand).map((call) => JSON.stringify(call.args[0].input.Key));
    expect(new Set(keys).size).toBe(1);
  });

  it('given a slot holding a newer write, then the failed condition is not an error', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    const store = new DynamoFeedStore('feeds', db);

    await expect(store.writeEntries([entryFor('alice')])).resolves.toBeUndefined();
  });

  it('given a hide, then it records the revision and removes an older entry, in two conditional updates', async () => {
    dynamo.on(UpdateCommand).resolves({});
    const store = new DynamoFeedStore('feeds', db);

    await store.hide([{ ...entryFor('alice'), revision: linkRevision(created, 2) }]);

    const [record, remove] = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(record!.UpdateExpression).toContain('SET hidden_revision');
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
    dynamo.on(UpdateCommand).rejects(
      Object.assign(new Error('slow down'), {
        name: 'ProvisionedThroughputExceededException',
        $fault: 'client',
      }),
    );
    const store = new DynamoFeedStore('feeds', db);

    await expect(store.writeEntries([entryFor('alice')])).rejects.toBeInstanceOf(Unavailable);
  });
});
