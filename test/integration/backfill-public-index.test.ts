import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { backfillPublicIndex } from '../../shared/links/backfill-public-index.ts';
import { DynamoPublicLinkIndex } from '../../shared/links/public-index.ts';
import { linkToItem } from '../../shared/links/table.ts';
import { aLink } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/tables.ts';

let tables: TestTables;
beforeAll(async () => {
  tables = await createTestTables(inject('dynamoDbEndpoint'), 'backfill');
});
afterAll(() => tables?.destroy());

/** An item as written before the byPublic index existed: no public_pk, no public_created. */
async function putOldItem(link: ReturnType<typeof aLink>): Promise<void> {
  const { public_pk: _pk, public_created: _created, ...item } = linkToItem(link);
  await tables.db.send(new PutCommand({ TableName: tables.names.links, Item: item }));
}

describe('backfillPublicIndex', () => {
  it('given old items, public and private, when backfilled, then the public ones join the index and the private stay out; a second run changes nothing', async () => {
    await putOldItem(
      aLink({ username: 'old', url: 'https://public.example/', created_at: '2026-01-01T00:00:00.000Z' }),
    );
    await putOldItem(aLink({ username: 'old', url: 'https://private.example/', private: true }));
    const index = new DynamoPublicLinkIndex(tables.names.links, tables.db);
    expect((await index.newestPublic('old', undefined, 10)).links).toEqual([]);

    const first = await backfillPublicIndex(tables.db, tables.names.links);
    const second = await backfillPublicIndex(tables.db, tables.names.links);

    expect(first).toEqual({ examined: 2, updated: 1 });
    expect(second).toEqual({ examined: 1, updated: 0 });
    expect((await index.newestPublic('old', undefined, 10)).links.map((link) => link.url)).toEqual([
      'https://public.example/',
    ]);
  });
});
