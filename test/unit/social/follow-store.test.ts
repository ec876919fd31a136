import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  DynamoFollowStore,
  edgeKey,
  ENDED_FOLLOWS_KEPT_MS,
  INDEX_LAG_ALLOWANCE_MS,
} from '../../../shared/social/dynamodb.ts';
import { reason, transactionCancelled, useMockedDynamo } from '../support/dynamo.ts';

const TABLE = 'social-table';
const NOW = new Date('2026-12-02T12:00:00.000Z');
const FIRST_SINCE = '2026-11-01T00:00:00.000Z';
const AGAIN_SINCE = '2026-12-02T11:59:00.000Z';
const { dynamo, db } = useMockedDynamo();
const store = () => new DynamoFollowStore(TABLE, db, () => NOW);
const endOf = (follower: string, since: string, endedAt = '2026-12-02T11:30:00.000Z') =>
  `UNFOLLOWED#${endedAt}#${follower}#${since}`;
const transactions = () => dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input);

describe('DynamoFollowStore: an unfollow records the end of that follow beside the edge delete', () => {
  it("given ann follows bob, when she unfollows, then the edge goes on condition of its since, and the end of that follow lands in bob's partition with a TTL, with both counts, in one transaction", async () => {
    dynamo.on(GetCommand).resolves({ Item: { since: FIRST_SINCE } });
    dynamo.on(TransactWriteCommand).resolves({});

    expect(await store().remove('ann', 'bob')).toBe(true);

    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({
      Key: edgeKey('ann', 'bob'),
      ConsistentRead: true,
    });
    const [transaction] = transactions();
    expect(transaction!.TransactItems).toEqual([
      {
        Delete: {
          TableName: TABLE,
          Key: edgeKey('ann', 'bob'),
          ConditionExpression: 'since = :since',
          ExpressionAttributeValues: { ':since': FIRST_SINCE },
        },
      },
      {
        Put: {
          TableName: TABLE,
          Item: {
            pk: 'USER#bob',
            sk: endOf('ann', FIRST_SINCE, NOW.toISOString()),
            expires_at_epoch: (NOW.getTime() + ENDED_FOLLOWS_KEPT_MS) / 1000,
          },
        },
      },
      expect.objectContaining({
        Update: expect.objectContaining({ Key: { pk: 'USER#ann', sk: 'COUNTERS' } }),
      }),
      expect.objectContaining({
        Update: expect.objectContaining({ Key: { pk: 'USER#bob', sk: 'COUNTERS' } }),
      }),
    ]);
  });

  it('given ann does not follow bob, when she unfollows, then nothing is written and the answer is no', async () => {
    dynamo.on(GetCommand).resolves({});

    expect(await store().remove('ann', 'bob')).toBe(false);

    expect(transactions()).toEqual([]);
  });

  it('given ann follows bob again between the read and the delete, when the condition fails, then the new follow is read and it is the one that ends', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: { since: FIRST_SINCE } })
      .resolves({ Item: { since: AGAIN_SINCE } });
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(transactionCancelled(reason.conditionFailed(), reason.none, reason.none, reason.none))
      .resolves({});

    expect(await store().remove('ann', 'bob')).toBe(true);

    const last = transactions().at(-1)!.TransactItems!;
    expect(last[0]!.Delete!.ExpressionAttributeValues).toEqual({ ':since': AGAIN_SINCE });
    expect(last[1]!.Put!.Item!.sk).toBe(endOf('ann', AGAIN_SINCE, NOW.toISOString()));
  });
});

describe('DynamoFollowStore.endedFollows: which follows of an author have ended since they were seen alive', () => {
  const readers = [
    { username: 'ann', since: FIRST_SINCE },
    { username: 'cat', since: FIRST_SINCE },
    { username: 'dan', since: AGAIN_SINCE },
  ];
  const recently = '2026-12-02T11:59:30.000Z';

  it("given a check of follows seen alive a moment ago, when some of them ended, then one consistent Query of the author's recent ends answers, and no edge is read", async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        { sk: endOf('ann', FIRST_SINCE) },
        // dan's earlier follow ended; the one checked began after it.
        { sk: endOf('dan', FIRST_SINCE) },
      ],
    });

    const ended = await store().endedFollows('bob', readers, recently);

    expect(ended).toEqual(new Set(['ann']));
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': 'USER#bob',
        ':from': `UNFOLLOWED#${new Date(Date.parse(recently) - INDEX_LAG_ALLOWANCE_MS).toISOString()}`,
        ':to': 'UNFOLLOWED$',
      },
      ConsistentRead: true,
    });
    expect(dynamo.commandCalls(BatchGetCommand)).toEqual([]);
  });

  it('given follows seen alive so long ago that ends they need may have expired, when checked, then their edges are read instead (consistent), and a changed or missing edge is an ended follow', async () => {
    dynamo.on(BatchGetCommand).resolves({
      Responses: {
        [TABLE]: [
          { follower: 'ann', since: FIRST_SINCE },
          { follower: 'dan', since: '2026-12-02T11:59:59.000Z' },
        ],
      },
    });
    const longAgo = new Date(NOW.getTime() - ENDED_FOLLOWS_KEPT_MS + INDEX_LAG_ALLOWANCE_MS).toISOString();

    const ended = await store().endedFollows('bob', readers, longAgo);

    expect(ended).toEqual(new Set(['cat', 'dan']));
    expect(dynamo.commandCalls(QueryCommand)).toEqual([]);
    const asked = dynamo.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems![TABLE]!;
    expect(asked).toMatchObject({
      ConsistentRead: true,
      Keys: readers.map((r) => edgeKey(r.username, 'bob')),
    });
  });

  it("given more recent ends than the readers' edges would cost to read, when checked, then the Query stops at its limit and the edges answer", async () => {
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [], LastEvaluatedKey: { pk: 'USER#bob', sk: endOf('eve', FIRST_SINCE) } });
    dynamo
      .on(BatchGetCommand)
      .resolves({ Responses: { [TABLE]: [{ follower: 'cat', since: FIRST_SINCE }] } });

    const ended = await store().endedFollows('bob', readers, recently);

    expect(ended).toEqual(new Set(['ann', 'dan']));
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input.Limit).toBe(readers.length * 24);
  });

  it('given no follows to check, then nothing is read', async () => {
    expect(await store().endedFollows('bob', [], recently)).toEqual(new Set());
    expect(dynamo.calls()).toEqual([]);
  });
});
