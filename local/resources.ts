import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  buckets,
  queues,
  tables,
  type BucketDeclaration,
  type QueueDeclaration,
  type TableDeclaration,
  type TableName,
} from '../shared/wiring.ts';
import { LOCAL_AWS } from './engines.ts';

/** Local names of the declared resources; deployed stacks get generated names instead. */
export function localTableNames(prefix: string): Record<TableName, string> {
  return Object.fromEntries(
    (Object.keys(tables) as TableName[]).map((name) => [name, `${prefix}${name}`]),
  ) as Record<TableName, string>;
}

/** Creates each declared table that does not exist yet, exactly as declared (keys, indexes, stream, TTL). */
export async function ensureTables(endpoint: string, names: Record<TableName, string>): Promise<void> {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  try {
    for (const [name, declaration] of Object.entries(tables) as [TableName, TableDeclaration][]) {
      const tableName = names[name];
      const existing = await existingIndexes(client, tableName);
      if (existing !== undefined) {
        const declared = declaredIndexes(declaration);
        if (existing === declared) continue;
        // Made by an earlier version of the declaration (its indexes differ): local data of that table only.
        console.warn(
          `Local table ${tableName} has indexes [${existing}], the declaration [${declared}]: recreating it empty.`,
        );
        await client.send(new DeleteTableCommand({ TableName: tableName }));
      }
      const attributes = new Map<string, AttributeDefinition>();
      const globalIndexes = declaration.globalIndexes ?? [];
      for (const key of [
        declaration.partitionKey,
        ...(declaration.sortKey ? [declaration.sortKey] : []),
        ...declaration.localIndexes.map((i) => i.sortKey),
        ...globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
      ]) {
        attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
      }
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...attributes.values()],
          KeySchema: [
            { AttributeName: declaration.partitionKey.name, KeyType: 'HASH' },
            ...(declaration.sortKey
              ? [{ AttributeName: declaration.sortKey.name, KeyType: 'RANGE' as const }]
              : []),
          ],
          ...(declaration.localIndexes.length > 0
            ? {
                LocalSecondaryIndexes: declaration.localIndexes.map((index) => ({
                  IndexName: index.name,
                  KeySchema: [
                    { AttributeName: declaration.partitionKey.name, KeyType: 'HASH' },
                    { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
                  ],
                  Projection: { ProjectionType: 'ALL' },
                })),
              }
            : {}),
          ...(globalIndexes.length > 0
            ? {
                GlobalSecondaryIndexes: globalIndexes.map((index) => ({
                  IndexName: index.name,
                  KeySchema: [
                    { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
                    { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
                  ],
                  Projection: { ProjectionType: 'ALL' },
                })),
              }
            : {}),
          ...(declaration.stream
            ? { StreamSpecification: { StreamEnabled: true, StreamViewType: declaration.stream } }
            : {}),
        }),
      );
      if (declaration.ttlAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { Enabled: true, AttributeName: declaration.ttlAttribute },
          }),
        );
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * The table's indexes, each as its kind, name and key attributes, sorted and joined; undefined when there is no
 * such table. The kind and keys count: an index that moved from global to local under the same name (the links
 * table's byPublic) is a change that needs the table made again.
 */
async function existingIndexes(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const keysOf = (index: { KeySchema?: { AttributeName?: string }[] | undefined }) =>
      (index.KeySchema ?? []).map((key) => key.AttributeName ?? '');
    return [
      ...(Table?.LocalSecondaryIndexes ?? []).map((index) =>
        indexSignature('local', index.IndexName ?? '', keysOf(index)),
      ),
      ...(Table?.GlobalSecondaryIndexes ?? []).map((index) =>
        indexSignature('global', index.IndexName ?? '', keysOf(index)),
      ),
    ]
      .sort()
      .join(', ');
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

function declaredIndexes(declaration: TableDeclaration): string {
  return [
    ...declaration.localIndexes.map((index) =>
      indexSignature('local', index.name, [declaration.partitionKey.name, index.sortKey.name]),
    ),
    ...(declaration.globalIndexes ?? []).map((index) =>
      indexSignature('global', index.name, [index.partitionKey.name, index.sortKey.name]),
    ),
  ]
    .sort()
    .join(', ');
}

const indexSignature = (kind: 'local' | 'global', name: string, keys: string[]) =>
  `${kind} ${name}(${keys.join(', ')})`;

/** Creates the declared queues (each with its dead-letter queue) and buckets; returns the variables naming them. */
export async function ensureQueuesAndBuckets(
  endpoint: string,
  prefix: string,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint });
  const s3 = new S3Client({ ...LOCAL_AWS, endpoint, forcePathStyle: true });
  try {
    for (const [name, declaration] of Object.entries(queues) as [string, QueueDeclaration][]) {
      // A FIFO queue's name ends in `.fifo` and its dead-letter queue is FIFO too, as in SQS.
      const fifo = declaration.fifoBy !== undefined;
      const suffix = fifo ? '.fifo' : '';
      const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};
      const attributes: Record<string, string> = {
        VisibilityTimeout: String(declaration.visibilityTimeoutSeconds),
        ...fifoAttributes,
      };
      if (declaration.maxReceiveCount !== undefined) {
        const dlq = await sqs.send(
          new CreateQueueCommand({
            QueueName: `${deadLetterQueueName(prefix, name)}${suffix}`,
            Attributes: fifoAttributes,
          }),
        );
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
        );
        attributes.RedrivePolicy = JSON.stringify({
          deadLetterTargetArn: Attributes?.QueueArn,
          maxReceiveCount: declaration.maxReceiveCount,
        });
      }
      const queue = await sqs.send(
        new CreateQueueCommand({ QueueName: `${prefix}${name}${suffix}`, Attributes: attributes }),
      );
      // The emulator names queues by a virtual host (sqs.<region>.localhost); the same path on the endpoint
      // itself keeps the SDK's requests on 127.0.0.1, as the SDK's resolved endpoint and the URL then agree.
      env[declaration.envVar] = `${endpoint}${new URL(queue.QueueUrl!).pathname}`;
    }
    for (const [name, declaration] of Object.entries(buckets) as [string, BucketDeclaration][]) {
      // Bucket names are lower case: `searchIndexes` is `<prefix>search-indexes`, as in the CDK app.
      const bucket = `${prefix}${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      try {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      } catch (error) {
        if ((error as Error).name !== 'BucketAlreadyOwnedByYou') throw error;
      }
      const access = declaration.browserAccess;
      if (access) {
        // Any origin: the emulator listens on 127.0.0.1 only, and a presigned URL is the permission anyway.
        const rule = {
          AllowedOrigins: ['*'],
          AllowedMethods: [...access.methods],
          AllowedHeaders: [...access.headers],
        };
        await s3.send(
          new PutBucketCorsCommand({
            Bucket: bucket,
            CORSConfiguration: { CORSRules: [{ ...rule, MaxAgeSeconds: access.maxAgeSeconds }] },
          }),
        );
      }
      env[declaration.envVar] = bucket;
    }
  } finally {
    sqs.destroy();
    s3.destroy();
  }
  return env;
}

const deadLetterQueueName = (prefix: string, queue: string) => `${prefix}${queue}-dlq`;
