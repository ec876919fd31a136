import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { batchGetConsistent, batchGetInOrder } from '../../../shared/aws/dynamodb.ts';
import { Unavailable } from '../../../shared/errors.ts';
import { useMockedDynamo } from '../support/dynamo.ts';

const { dynamo, db } = useMockedDynamo();
const TABLE = 'links';
const keyOf = (i: number) => ({ pk: 'USER#alice', sk: `LINK#${i}` });
const keys = (count: number) => Array.from({ length: count }, (_, i) => keyOf(i));
const sentKeys = () =>
  dynamo.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems![TABLE]!.Keys!);

describe('batchGetConsistent: items by key, strongly consistent, with only the attributes asked for', () => {
  it('given 250 keys, when read, then three consistent calls of at most 100 keys, and every item found comes back', async () => {
    dynamo.on(BatchGetCommand).callsFake((input: BatchGetCommand['input']) => ({
      Responses: { [TABLE]: input.RequestItems![TABLE]!.Keys!.map((key) => ({ ...key, title: 't' })) },
    }));

    const items = await batchGetConsistent(db, TABLE, keys(250), ['sk', 'title']);

    expect(sentKeys().map((sent) => sent.length)).toEqual([100, 100, 50]);
    expect(items).toHaveLength(250);
    const request = dynamo.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems![TABLE]!;
    expect(request.ConsistentRead).toBe(true);
    expect(request.ProjectionExpression).toBe('#a0, #a1');
    expect(request.ExpressionAttributeNames).toEqual({ '#a0': 'sk', '#a1': 'title' });
  });

  it('given 700 keys, when read, then four calls are under way at once, never more', async () => {
    const calls = { inFlight: 0, most: 0 };
    dynamo.on(BatchGetCommand).callsFake(async (input: BatchGetCommand['input']) => {
      calls.inFlight++;
      calls.most = Math.max(calls.most, calls.inFlight);
      await new Promise((done) => setImmediate(done));
      calls.inFlight--;
      return { Responses: { [TABLE]: input.RequestItems![TABLE]!.Keys! } };
    });

    const items = await batchGetConsistent(db, TABLE, keys(700), ['sk']);

    expect(calls.most).toBe(4);
    expect(sentKeys()).toHaveLength(7);
    expect(new Set(items.map((item) => item.sk)).size).toBe(700);
  });

  it('given keys left unprocessed, when read, then only those are asked for again and nothing is lost', async () => {
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [keyOf(0)] },
        UnprocessedKeys: { [TABLE]: { Keys: [keyOf(1), keyOf(2)] } },
      })
      .resolves({ Responses: { [TABLE]: [keyOf(1), keyOf(2)] } });

    const items = await batchGetConsistent(db, TABLE, keys(3), ['sk']);

    expect(sentKeys()).toEqual([keys(3), [keyOf(1), keyOf(2)]]);
    expect(items).toEqual([keyOf(0), keyOf(1), keyOf(2)]);
  });

  it('given a table that keeps leaving keys unprocessed, when read, then Unavailable after a bounded number of calls', async () => {
    dynamo.on(BatchGetCommand).resolves({ UnprocessedKeys: { [TABLE]: { Keys: [keyOf(0)] } } });

    await expect(batchGetConsistent(db, TABLE, keys(1), ['sk'])).rejects.toBeInstanceOf(Unavailable);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(8);
  });

  it('given a key twice, its attributes in either order, when read, then it is asked for once', async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [keyOf(0)] } });

    await batchGetConsistent(db, TABLE, [keyOf(0), keyOf(1), { sk: 'LINK#0', pk: 'USER#alice' }], ['sk']);

    expect(sentKeys()).toEqual([[keyOf(0), keyOf(1)]]);
  });

  it('given no keys, when read, then no call', async () => {
    expect(await batchGetConsistent(db, TABLE, [], ['sk'])).toEqual([]);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(0);
  });
});

describe('batchGetInOrder: the same read, answered key by key', () => {
  it('given keys in some order, one missing and one repeated, when read, then each key gets its item or undefined, in the order asked', async () => {
    dynamo.on(BatchGetCommand).resolves({
      Responses: {
        [TABLE]: [
          { ...keyOf(2), title: 'two' },
          { ...keyOf(0), title: 'zero' },
        ],
      },
    });

    const items = await batchGetInOrder(db, TABLE, [keyOf(0), keyOf(1), keyOf(2), keyOf(0)], ['title']);

    expect(items.map((item) => item?.title)).toEqual(['zero', undefined, 'two', 'zero']);
    const request = dynamo.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems![TABLE]!;
    expect(request.Keys).toEqual([keyOf(0), keyOf(1), keyOf(2)]);
    expect(Object.values(request.ExpressionAttributeNames!)).toEqual(['pk', 'sk', 'title']);
  });
});
