import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { copyLinksTable } from '../../../shared/links/copy-table.ts';
import { countersKey, linkToItem } from '../../../shared/links/table.ts';
import { aLink } from '../../support/builders.ts';
import { useMockedDynamo } from '../support/dynamo.ts';

const { dynamo, db } = useMockedDynamo();

const at = (minute: number) => `2026-11-23T18:${String(minute).padStart(2, '0')}:00.000Z`;

/** A public link's item as the byPublic global index had it: public_pk beside public_created. */
function anItemOfTheGlobalIndex(link: ReturnType<typeof aLink>) {
  return { ...linkToItem(link), public_pk: `USER#${link.username}` };
}

const written = () =>
  dynamo
    .commandCalls(BatchWriteCommand)
    .flatMap((call) => Object.entries(call.args[0].input.RequestItems ?? {}))
    .flatMap(([table, requests]) => requests.map((request) => ({ table, item: request.PutRequest?.Item })));

describe('copyLinksTable: a replaced links table into its successor', () => {
  it('given links of an older design and a counters item over two Scan pages, when copied, then the links are written as the table now keys them and the rest as it is', async () => {
    const publicLink = aLink({ username: 'bob', url: 'https://a.example/', created_at: at(1) });
    const { published_at: _published, ...unpublished } = aLink({
      username: 'bob',
      url: 'https://b.example/',
      created_at: at(2),
    });
    const privateLink = { ...unpublished, private: true };
    // Written before published_at and byPublic existed: neither is on the item.
    const older = aLink({
      username: 'bob',
      url: 'https://c.example/',
      created_at: at(3),
      published_at: at(3),
    });
    const { public_created: _index, published_at: _since, ...legacy } = linkToItem(older);
    const counters = { ...countersKey('bob'), links_count: 3, public_links_count: 2 };
    dynamo
      .on(ScanCommand)
      .resolvesOnce({
        Items: [anItemOfTheGlobalIndex(publicLink), linkToItem(privateLink)],
        LastEvaluatedKey: { pk: 'USER#bob', sk: 'x' },
      })
      .resolves({ Items: [legacy, counters] });
    dynamo.on(BatchWriteCommand).resolves({});

    const count = await copyLinksTable(db, 'old-links', 'new-links');

    expect(count).toEqual({ links: 3, others: 1 });
    const scans = dynamo.commandCalls(ScanCommand).map((call) => call.args[0].input);
    expect(scans.map((scan) => scan.TableName)).toEqual(['old-links', 'old-links']);
    expect(scans[1]!.ExclusiveStartKey).toEqual({ pk: 'USER#bob', sk: 'x' });
    const items = written();
    expect(new Set(items.map((w) => w.table))).toEqual(new Set(['new-links']));
    expect(items.map((w) => w.item)).toEqual([
      linkToItem(publicLink),
      linkToItem(privateLink),
      linkToItem(older),
      counters,
    ]);
    expect(items[0]!.item).not.toHaveProperty('public_pk');
    expect(items[0]!.item?.public_created).toMatch(new RegExp(`^${publicLink.published_at}#`));
    expect(items[1]!.item).not.toHaveProperty('public_created');
    expect(items[2]!.item?.public_created).toMatch(new RegExp(`^${at(3)}#`));
  });

  it('given items BatchWriteItem leaves unprocessed, when copied, then they are sent again', async () => {
    const link = aLink({ username: 'bob', url: 'https://a.example/' });
    dynamo.on(ScanCommand).resolves({ Items: [linkToItem(link)] });
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { 'new-links': [{ PutRequest: { Item: linkToItem(link) } }] } })
      .resolves({});

    await copyLinksTable(db, 'old-links', 'new-links');

    expect(written().map((w) => w.item)).toEqual([linkToItem(link), linkToItem(link)]);
  });
});
