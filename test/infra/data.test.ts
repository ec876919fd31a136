import { describe, expect, it } from 'vitest';
import { physicalBucketName } from '../../lib/buckets.ts';
import {
  buckets,
  tables,
  type BucketDeclaration,
  type BucketName,
  type TableDeclaration,
  type TableName,
} from '../../shared/wiring.ts';
import { flat, resource, resourcesOfType, synthesize, type Statement } from './support.ts';

const declaredTables = Object.entries(tables) as [TableName, TableDeclaration][];
const declaredBuckets = Object.entries(buckets) as [BucketName, BucketDeclaration][];

describe('the tables, given the wiring', () => {
  const { data, dataTemplate, logicalId } = synthesize('dev');
  const tableResource = (name: TableName) => resource(dataTemplate, logicalId(data.tables[name]));

  it('creates exactly the declared tables', () => {
    dataTemplate.resourceCountIs('AWS::DynamoDB::Table', declaredTables.length);
    expect(Object.keys(data.tables).sort()).toEqual(declaredTables.map(([name]) => name).sort());
  });

  it.each(declaredTables)(
    'gives the %s table its declared keys and indexes, projecting everything',
    (name, d) => {
      const { Properties } = tableResource(name);

      expect(Properties.KeySchema).toEqual([
        { AttributeName: d.partitionKey.name, KeyType: 'HASH' },
        ...(d.sortKey ? [{ AttributeName: d.sortKey.name, KeyType: 'RANGE' }] : []),
      ]);
      const globalIndexes = d.globalIndexes ?? [];
      const keys = [
        d.partitionKey,
        ...(d.sortKey ? [d.sortKey] : []),
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
      expect(Properties.GlobalSecondaryIndexes ?? []).toEqual(
        globalIndexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      );
    },
  );

  it.each(declaredTables)('gives the %s table a stream and a TTL only when declared', (name, d) => {
    const { Properties } = tableResource(name);

    expect(Properties.StreamSpecification).toEqual(d.stream ? { StreamViewType: d.stream } : undefined);
    expect(Properties.TimeToLiveSpecification).toEqual(
      d.ttlAttribute ? { AttributeName: d.ttlAttribute, Enabled: true } : undefined,
    );
  });

  it('keeps idempotent answers by their id alone, expired by DynamoDB after 24 hours (Powertools expiration), unstreamed', () => {
    const { Properties } = tableResource('idempotency');

    expect(Properties.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
    expect(Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(Properties.StreamSpecification).toBeUndefined();
  });

  it('streams the tables whose changes feed the pipeline: links (news, link checks) and social (follows)', () => {
    expect(tableResource('links').Properties.StreamSpecification).toEqual({
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(tableResource('social').Properties.StreamSpecification).toEqual({
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(tableResource('users').Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expires_at_epoch',
      Enabled: true,
    });
  });

  it('gives the links table byPublic as a sparse local index on (pk, public_created), and no global index', () => {
    const { Properties } = tableResource('links');

    expect(Properties.LocalSecondaryIndexes).toContainEqual({
      IndexName: 'byPublic',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'public_created', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
    expect(Properties.GlobalSecondaryIndexes).toBeUndefined();
    expect(Properties.AttributeDefinitions).not.toContainEqual(
      expect.objectContaining({ AttributeName: 'public_pk' }),
    );
  });

  it.each(declaredTables)(
    'bills %s on demand, with point-in-time recovery and encryption at rest',
    (name) => {
      expect(tableResource(name).Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // SSEEnabled with no key named: the AWS-managed key, aws/dynamodb.
        SSESpecification: { SSEEnabled: true },
      });
      expect(tableResource(name).Properties.ProvisionedThroughput).toBeUndefined();
    },
  );
});

describe('the buckets, given the wiring', () => {
  const { data, dataTemplate, logicalId } = synthesize('dev');
  const bucketResource = (name: BucketName) => resource(dataTemplate, logicalId(data.buckets[name]));
  const bucketPolicy = (name: BucketName) =>
    Object.values(resourcesOfType(dataTemplate, 'AWS::S3::BucketPolicy')).find(
      (policy) =>
        JSON.stringify(policy.Properties.Bucket) === JSON.stringify({ Ref: logicalId(data.buckets[name]) }),
    );

  it('creates exactly the declared buckets, each with its fixed name', () => {
    dataTemplate.resourceCountIs('AWS::S3::Bucket', declaredBuckets.length);
    for (const [name] of declaredBuckets) {
      expect(flat(bucketResource(name).Properties.BucketName)).toBe(
        `delinkcious-dev-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}-<AWS::AccountId>-<AWS::Region>`,
      );
    }
  });

  it('refuses a bucket name that could grow past the 63 characters S3 allows', () => {
    expect(() => physicalBucketName('prod', 'aVeryLongBucketNameIndeed')).toThrow(/too long/);
  });

  it.each(declaredBuckets)('keeps %s private and encrypted at rest', (name) => {
    expect(bucketResource(name).Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
  });

  it.each(declaredBuckets)('refuses requests to %s without TLS 1.2 or later', (name) => {
    const statements = (bucketPolicy(name)!.Properties.PolicyDocument as { Statement: Statement[] })
      .Statement;
    const denies = statements.filter((s) => s.Effect === 'Deny');

    expect(denies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Action: 's3:*',
          Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
        }),
      ]),
    );
    expect(statements.filter((s) => s.Effect === 'Allow').map((s) => s.Principal)).not.toContainEqual({
      AWS: '*',
    });
  });

  it.each(declaredBuckets)(
    'applies the declared lifecycle to the objects under the prefix of %s',
    (name, d) => {
      const rules = (
        bucketResource(name).Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }
      ).Rules;

      expect(rules).toEqual([
        {
          Id: 'objects',
          Status: 'Enabled',
          Prefix: d.keyPrefix,
          AbortIncompleteMultipartUpload: {
            DaysAfterInitiation: d.lifecycle.abortIncompleteUploadsAfterDays,
          },
          ...(d.lifecycle.intelligentTieringAfterDays !== undefined
            ? {
                Transitions: [
                  {
                    StorageClass: 'INTELLIGENT_TIERING',
                    TransitionInDays: d.lifecycle.intelligentTieringAfterDays,
                  },
                ],
              }
            : {}),
          ...(d.lifecycle.expireAfterDays !== undefined
            ? { ExpirationInDays: d.lifecycle.expireAfterDays }
            : {}),
        },
      ]);
    },
  );

  it('expires exports and uploaded imports a day after they are written, and keeps snapshots', () => {
    const expiryOf = (name: BucketName) =>
      (bucketResource(name).Properties.LifecycleConfiguration as { Rules: { ExpirationInDays?: number }[] })
        .Rules[0]!.ExpirationInDays;

    expect(expiryOf('exports')).toBe(1);
    expect(expiryOf('imports')).toBe(1);
    expect(expiryOf('snapshots')).toBeUndefined();
  });

  it('in prod, retains the buckets with their objects; in dev, empties and deletes them', () => {
    const prod = synthesize('prod');
    for (const [name] of declaredBuckets) {
      expect(resource(prod.dataTemplate, prod.logicalId(prod.data.buckets[name])).DeletionPolicy).toBe(
        'Retain',
      );
      expect(bucketResource(name).DeletionPolicy).toBe('Delete');
    }
    prod.dataTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });
});

describe('the secrets', () => {
  const { data, dataTemplate, logicalId } = synthesize('dev');

  it('are the page-token key, a generated 64-character string, and the GitHub client secret', () => {
    dataTemplate.resourceCountIs('AWS::SecretsManager::Secret', 2);
    expect(resource(dataTemplate, logicalId(data.secrets.pageTokenSecret!)).Properties).toMatchObject({
      GenerateSecretString: { PasswordLength: 64 },
    });
    expect(data.secrets.githubClientSecret).toBeDefined();
  });

  it('have no resource policy that could widen who reads them', () => {
    dataTemplate.resourceCountIs('AWS::SecretsManager::ResourcePolicy', 0);
  });

  it("tells the operator where to put GitHub's client secret", () => {
    dataTemplate.hasOutput('GitHubClientSecretArn', {
      Value: { Ref: logicalId(data.secrets.githubClientSecret!) },
    });
  });
});
