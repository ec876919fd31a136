import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { Unavailable } from '../../../shared/errors.ts';
import { DynamoRateLimitStore, rateKey } from '../../../shared/http/rate-limit-store.ts';
import { conditionFailed, throttling, useMockedDynamo } from '../support/dynamo.ts';

const TABLE = 'users-table';
const { dynamo, db, updates } = useMockedDynamo();

describe('DynamoRateLimitStore', () => {
  const store = () => new DynamoRateLimitStore(TABLE, db);

  it('given a new or idle client, when restarted, then one conditional update sets tat = now + interval and the TTL', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { tat: 1_083_333 } });

    const write = await store().restart('key-hash', 1_000_000, 83_333, 1_000_120);

    expect(write).toEqual({ applied: true, tat: 1_083_333 });
    expect(updates()).toEqual([
      expect.objectContaining({
        TableName: TABLE,
        Key: rateKey('key-hash'),
        UpdateExpression: 'SET #tat = :next, #expires = :expires',
        ConditionExpression: 'attribute_not_exists(#tat) OR #tat < :now',
        ExpressionAttributeValues: { ':next': 1_083_333, ':now': 1_000_000, ':expires': 1_000_120 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ]);
    expect(rateKey('key-hash')).toEqual({ pk: 'RATE#key-hash', sk: 'RATE' });
  });

  it('given a client within its burst, when advanced, then tat moves by one interval if it lies in [now, now + tolerance]', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { tat: 1_500_000 } });

    const write = await store().advance('key-hash', 1_000_000, 100_000, 700_000, 1_000_120);

    expect(write).toEqual({ applied: true, tat: 1_500_000 });
    expect(updates()[0]).toMatchObject({
      UpdateExpression: 'SET #tat = #tat + :interval, #expires = :expires',
      ConditionExpression: '#tat BETWEEN :now AND :latest',
      ExpressionAttributeValues: { ':interval': 100_000, ':now': 1_000_000, ':latest': 1_700_000 },
      ReturnValues: 'UPDATED_NEW',
    });
  });

  it('given a failed condition, then the stored tat comes back from the same call (ALL_OLD)', async () => {
    dynamo
      .on(UpdateCommand)
      .rejects(conditionFailed({ ...rateKey('k'), tat: 9_999_999, expires_at_epoch: 1 }));

    expect(await store().advance('k', 1_000_000, 100_000, 700_000, 1)).toEqual({
      applied: false,
      tat: 9_999_999,
    });
  });

  it('given no item at all, when an advance fails, then no tat comes back', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    expect(await store().advance('k', 1, 1, 1, 1)).toEqual({ applied: false, tat: undefined });
  });

  it("given a user's rate item, when its mark is read, then one strongly consistent GetItem of the mark alone", async () => {
    dynamo.on(GetCommand).resolves({ Item: { credentials_mark: 'mark-7' } });

    expect(await store().markOf('key-hash')).toBe('mark-7');
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: rateKey('key-hash'),
      ConsistentRead: true,
      ProjectionExpression: '#mark',
      ExpressionAttributeNames: { '#mark': 'credentials_mark' },
    });
  });

  it('given no rate item, when its mark is read, then none', async () => {
    dynamo.on(GetCommand).resolves({});

    expect(await store().markOf('key-hash')).toBeUndefined();
  });

  it('given DynamoDB throttling after the SDK retries, then Unavailable (503)', async () => {
    dynamo.on(UpdateCommand).rejects(throttling());

    await expect(store().restart('k', 1, 1, 1)).rejects.toBeInstanceOf(Unavailable);
  });
});
