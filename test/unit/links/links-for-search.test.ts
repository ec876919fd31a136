import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { LinksForSearch } from '../../../shared/links/for-search.ts';
import { linkKey, linkToItem } from '../../../shared/links/table.ts';
import { aLink } from '../../support/builders.ts';
import { useMockedDynamo } from '../support/dynamo.ts';

const { dynamo, db } = useMockedDynamo();
const links = new LinksForSearch('links-table', db);

describe('LinksForSearch: the links as search reads them', () => {
  it("given the URLs a search found, when confirmed, then one consistent BatchGetItem of the owner's keys answers the links that exist", async () => {
    const kept = aLink({ url: 'https://kept.example/' });
    dynamo.on(BatchGetCommand).resolves({ Responses: { 'links-table': [linkToItem(kept)] } });

    const current = await links.current('alice', ['https://kept.example/', 'https://gone.example/']);

    expect(current).toEqual([kept]);
    const request = dynamo.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems!['links-table']!;
    expect(request.ConsistentRead).toBe(true);
    expect(request.Keys).toEqual([
      linkKey('alice', 'https://kept.example/'),
      linkKey('alice', 'https://gone.example/'),
    ]);
  });

  it("given more links than a query page, when all are read, then pages follow until the user's last link", async () => {
    const first = aLink({ url: 'https://one.example/', created_at: '2026-01-02T00:00:00.000Z' });
    const second = aLink({ url: 'https://two.example/', created_at: '2026-01-01T00:00:00.000Z' });
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [linkToItem(first)], LastEvaluatedKey: { pk: 'x' } })
      .resolves({ Items: [linkToItem(second)] });

    const pages: string[][] = [];
    for await (const page of links.all('alice')) pages.push(page.map((link) => link.url));

    expect(pages.flat()).toEqual(['https://one.example/', 'https://two.example/']);
  });
});
