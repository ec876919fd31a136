import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTablesCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTables, localTableNames } from '../../local/resources.ts';
import { DynamoLinkStore } from '../../shared/links/store.ts';
import { tables, type TableDeclaration, type TableName } from '../../shared/wiring.ts';
import { aLink } from '../support/builders.ts';
import { clientsFor, randomPrefix, type TestTables } from '../support/tables.ts';

const endpoint = inject('dynamoDbEndpoint');
const prefix = randomPrefix('resources');
const names = localTableNames(prefix);
const declared = Object.entries(tables) as [TableName, TableDeclaration][];
const allNames = () => Object.values(names).sort();
let clients: Pick<TestTables, 'db' | 'raw' | 'destroy'>;

async function describeTable(name: string): Promise<TableDescription> {
  const { Table } = await clients.raw.send(new DescribeTableCommand({ TableName: name }));
  if (!Table) throw new Error(`no description for ${name}`);
  return Table;
}

async function ourTables(): Promise<string[]> {
  const all: string[] = [];
  let start: string | undefined;
  do {
    const page = await clients.raw.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    all.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start);
  return all.filter((name) => name.startsWith(prefix)).sort();
}

beforeAll(async () => {
  clients = clientsFor(endpoint);
  await ensureTables(endpoint, names);
});
afterAll(() => clients?.destroy());

describe('ensureTables', () => {
  it('given no tables under a prefix, then it creates one table per declared table', async () => {
    expect(await ourTables()).toEqual(allNames());
  });

  it.each(declared)(
    'given the declaration of %s, then the table has its keys, indexes, stream and TTL',
    async (name, declaration) => {
      const table = await describeTable(names[name]);

      expect(table.KeySchema).toEqual([
        { AttributeName: declaration.partitionKey.name, KeyType: 'HASH' },
        ...(declaration.sortKey ? [{ AttributeName: declaration.sortKey.name, KeyType: 'RANGE' }] : []),
      ]);
      expect((table.LocalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
        declaration.localIndexes.map((i) => i.name).sort(),
      );
      expect((table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
        (declaration.globalIndexes ?? []).map((i) => i.name).sort(),
      );
      expect(table.StreamSpecification?.StreamViewType).toBe(declaration.stream);
      const { TimeToLiveDescription } = await clients.raw.send(
        new DescribeTimeToLiveCommand({ TableName: names[name] }),
      );
      expect(TimeToLiveDescription?.AttributeName).toBe(declaration.ttlAttribute);
    },
  );

  it('given the links table, then it has the declared keys, the byCreated and byPublic local indexes and a stream of new and old images', async () => {
    const table = await describeTable(names.links);

    expect(table.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const byName = (a: { IndexName?: string }, b: { IndexName?: string }) =>
      (a.IndexName ?? '').localeCompare(b.IndexName ?? '');
    expect([...(table.LocalSecondaryIndexes ?? [])].sort(byName)).toMatchObject([
      {
        IndexName: 'byCreated',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'created', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'byPublic',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'public_created', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    expect(table.GlobalSecondaryIndexes ?? []).toEqual([]);
    expect(table.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(table.LatestStreamArn).toEqual(expect.any(String));
  });

  it('given the users table, then it has no index, no stream and TTL on expires_at_epoch', async () => {
    const table = await describeTable(names.users);

    expect(table.LocalSecondaryIndexes ?? []).toEqual([]);
    expect(table.StreamSpecification?.StreamEnabled ?? false).toBe(false);
    const { TimeToLiveDescription } = await clients.raw.send(
      new DescribeTimeToLiveCommand({ TableName: names.users }),
    );
    expect(TimeToLiveDescription).toMatchObject({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expires_at_epoch',
    });
  });

  it('given tables holding data, when ensureTables runs again with the same names, then nothing changes', async () => {
    const store = new DynamoLinkStore(names.links, clients.db);
    const link = aLink({ username: 'idempotent' });
    await store.insert(link, 10);
    const before = await Promise.all(allNames().map(describeTable));

    await ensureTables(endpoint, names);

    const after = await Promise.all(allNames().map(describeTable));
    expect(after.map((t) => t.CreationDateTime)).toEqual(before.map((t) => t.CreationDateTime));
    expect(after.map((t) => t.LatestStreamArn)).toEqual(before.map((t) => t.LatestStreamArn));
    expect(after.map((t) => t.ItemCount)).toEqual(before.map((t) => t.ItemCount));
    expect(await ourTables()).toEqual(allNames());
    expect(await store.get('idempotent', link.url)).toEqual(link);
  });

  it('given a feeds table made with an older index, when ensureTables runs, then it is recreated with the declared ones', async () => {
    const oldNames = localTableNames(randomPrefix('resources-old'));
    await clients.raw.send(
      new CreateTableCommand({
        TableName: oldNames.feeds,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'author_key', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        LocalSecondaryIndexes: [
          {
            IndexName: 'byAuthor',
            KeySchema: [
              { AttributeName: 'pk', KeyType: 'HASH' },
              { AttributeName: 'author_key', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );

    await ensureTables(endpoint, oldNames);

    const table = await describeTable(oldNames.feeds);
    expect((table.LocalSecondaryIndexes ?? []).map((i) => i.IndexName)).toEqual(
      tables.feeds.localIndexes.map((i) => i.name),
    );
  });

  it('given a links table whose byPublic was a global index, when ensureTables runs, then it is recreated with byPublic local', async () => {
    const oldNames = localTableNames(randomPrefix('resources-gsi'));
    await clients.raw.send(
      new CreateTableCommand({
        TableName: oldNames.links,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'created', AttributeType: 'S' },
          { AttributeName: 'public_pk', AttributeType: 'S' },
          { AttributeName: 'public_created', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        LocalSecondaryIndexes: [
          {
            IndexName: 'byCreated',
            KeySchema: [
              { AttributeName: 'pk', KeyType: 'HASH' },
              { AttributeName: 'created', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byPublic',
            KeySchema: [
              { AttributeName: 'public_pk', KeyType: 'HASH' },
              { AttributeName: 'public_created', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );

    await ensureTables(endpoint, oldNames);

    const table = await describeTable(oldNames.links);
    expect((table.LocalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual([
      'byCreated',
      'byPublic',
    ]);
    expect(table.GlobalSecondaryIndexes ?? []).toEqual([]);
  });
});
