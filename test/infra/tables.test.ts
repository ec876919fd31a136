import { describe, expect, it } from 'vitest';
import { tables, type TableDeclaration, type TableName } from '../../shared/wiring.ts';
import { resource, synthesize } from './support.ts';

const declared = Object.entries(tables) as [TableName, TableDeclaration][];

describe('the tables, given the wiring', () => {
  const { stack, template, logicalId } = synthesize('dev');
  const tableResource = (name: TableName) => resource(template, logicalId(stack.tables.byName[name]));

  it('creates exactly the declared tables', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', declared.length);
  });

  it.each(declared)('gives the %s table its declared keys and indexes, projecting everything', (name, d) => {
    const { Properties } = tableResource(name);

    expect(Properties.KeySchema).toEqual([
      { AttributeName: d.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: d.sortKey.name, KeyType: 'RANGE' },
    ]);
    const globalIndexes = d.globalIndexes ?? [];
    const keys = [
      d.partitionKey,
      d.sortKey,
      ...d.localIndexes.map((index) => index.sortKey),
      ...globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
    ];
    const attributes = new Map(keys.map((k) => [k.name, { AttributeName: k.name, AttributeType: k.type }]));
    expect(Properties.AttributeDefinitions).toHaveLength(attributes.size);
    expect(Properties.AttributeDefinitions).toEqual(expect.arrayContaining([...attributes.values()]));
    expect(Properties.LocalSecondaryIndexes ?? []).toEqual(
      d.localIndexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: d.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
  });

  it.each(declared)('gives the %s table a stream and a TTL only when declared', (name, d) => {
    const { Properties } = tableResource(name);

    expect(Properties.StreamSpecification).toEqual(d.stream ? { StreamViewType: d.stream } : undefined);
    expect(Properties.TimeToLiveSpecification).toEqual(
      d.ttlAttribute ? { AttributeName: d.ttlAttribute, Enabled: true } : undefined,
    );
  });

  it.each(declared)('bills %s on demand, with point-in-time recovery and encryption at rest', (name) => {
    expect(tableResource(name).Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('streams the links table and indexes it by creation time; expires sessions in the users table', () => {
    expect(tableResource('links').Properties).toMatchObject({
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      LocalSecondaryIndexes: [{ IndexName: 'byCreated' }],
    });
    expect(tableResource('users').Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: 'expires_at_epoch', Enabled: true },
    });
    expect(tableResource('users').Properties.StreamSpecification).toBeUndefined();
  });
});

describe('keeping data when a stack goes away', () => {
  it.each(declared)('in prod, retains the %s table and protects it from deletion', (name) => {
    const { stack, template, logicalId } = synthesize('prod');
    const table = resource(template, logicalId(stack.tables.byName[name]));

    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
  });

  it.each(declared)('in dev, deletes the %s table with the stack', (name) => {
    const { stack, template, logicalId } = synthesize('dev');
    const table = resource(template, logicalId(stack.tables.byName[name]));

    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.Properties.DeletionProtectionEnabled).not.toBe(true);
  });
});
