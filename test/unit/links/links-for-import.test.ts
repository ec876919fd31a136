import { BatchGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { LinksForImport } from '../../../shared/links/for-import.ts';
import { countersKey, linkKey } from '../../../shared/links/table.ts';
import { aLink } from '../../support/builders.ts';
import { reason, transactionCancelled, useMockedDynamo } from '../support/dynamo.ts';

const { dynamo, db } = useMockedDynamo();
const TABLE = 'links';
const IMPORT = 'mhg6wqm0s0123456789abcdef';
const links = () => new LinksForImport(TABLE, db);
const imported = (i: number, overrides: Parameters<typeof aLink>[0] = {}) =>
  aLink({ url: `https://example.com/${i}`, imported_by: IMPORT, ...overrides });

/** Answers each BatchGet with the stored items among the keys asked for. */
function stored(...items: { url: string; imported_by?: string }[]) {
  dynamo.on(BatchGetCommand).callsFake((input: BatchGetCommand['input']) => {
    const asked = new Set(input.RequestItems![TABLE]!.Keys!.map((key) => key.sk as string));
    const found = items
      .map((item) => ({ sk: linkKey('alice', item.url).sk, imported_by: item.imported_by }))
      .filter((item) => asked.has(item.sk));
    return { Responses: { [TABLE]: found } };
  });
}

const transactions = () =>
  dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems!);

describe('LinksForImport: the links an import adds, never overwriting, within the limit', () => {
  it('given links the user does not have, when added, then one transaction puts them all, each only if absent, with the counters', async () => {
    stored();
    dynamo.on(TransactWriteCommand).resolves({});
    const chunk = [imported(1), imported(2, { private: true }), imported(3)];

    expect(await links().addAll(chunk, 10_000)).toEqual(['imported', 'imported', 'imported']);

    const [items] = transactions();
    expect(items).toHaveLength(4);
    expect(items!.slice(0, 3).map((item) => item.Put?.ConditionExpression)).toEqual(
      Array(3).fill('attribute_not_exists(pk)'),
    );
    expect(items![3]!.Update).toMatchObject({
      Key: countersKey('alice'),
      ExpressionAttributeValues: { ':added': 3, ':public': 2, ':room': 9_997 },
    });
  });

  it('given a link the user already has and one an earlier delivery of this import added, when added, then neither is written and each is counted as what it is', async () => {
    stored({ url: 'https://example.com/1' }, { url: 'https://example.com/2', imported_by: IMPORT });
    dynamo.on(TransactWriteCommand).resolves({});

    const outcomes = await links().addAll([imported(1), imported(2), imported(3)], 10_000);

    expect(outcomes).toEqual(['existing', 'imported', 'imported']);
    const [items] = transactions();
    expect(items!.map((item) => item.Put?.Item?.url ?? 'counters')).toEqual([
      'https://example.com/3',
      'counters',
    ]);
  });

  it('given a user with room for one more link, when two are added, then the counters condition cancels the group, they are added one by one, and the second is past the limit', async () => {
    stored();
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(transactionCancelled(reason.none, reason.none, reason.conditionFailed()))
      .resolvesOnce({})
      .rejects(transactionCancelled(reason.none, reason.conditionFailed()));

    expect(await links().addAll([imported(1), imported(2)], 10_000)).toEqual(['imported', 'limit']);
    expect(transactions().map((items) => items.length)).toEqual([3, 2, 2]);
  });

  it('given more links than a transaction holds, when added, then groups of at most 99 links and the counters', async () => {
    stored();
    dynamo.on(TransactWriteCommand).resolves({});
    const chunk = Array.from({ length: 150 }, (_, i) => imported(i));

    const outcomes = await links().addAll(chunk, 10_000);

    expect(outcomes).toHaveLength(150);
    expect(transactions().map((items) => items.length)).toEqual([100, 52]);
  });
});
