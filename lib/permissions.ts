import { aws_dynamodb as dynamodb, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import type { BucketAccess, TableAccess } from '../shared/wiring.ts';

/**
 * The IAM actions behind each kind of access the wiring declares, and nothing else: these are the calls that
 * the adapters under shared/ make (test/infra/permissions.test.ts reads the adapters and checks that every
 * command they send is covered, so a new kind of call cannot go unnoticed until it fails deployed).
 *
 * DynamoDB: GetCommand, BatchGetCommand, QueryCommand; PutCommand, UpdateCommand, DeleteCommand, BatchWriteCommand, and the
 * Put, Update, Delete and ConditionCheck items of TransactWriteCommand (a transaction needs each item's own
 * action). Indexes are only ever queried.
 */
export const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  readwrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
  ],
};
export const INDEX_ACTIONS = ['dynamodb:Query'] as const;

/**
 * S3, on the objects under the bucket's prefix (see `BucketAccess` in the wiring): GetObjectCommand and
 * presigned downloads (s3:GetObject), PutObjectCommand (s3:PutObject), DeleteObject(s)Command (s3:DeleteObject,
 * per key); ListObjectsV2Command needs s3:ListBucket on the bucket, limited to listings under the prefix.
 */
export const BUCKET_OBJECT_ACTIONS: Record<BucketAccess, readonly string[]> = {
  read: ['s3:GetObject'],
  readwrite: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  delete: ['s3:DeleteObject'],
};
export const BUCKET_LIST_ACTIONS = ['s3:ListBucket'] as const;

/** SendMessageCommand and SendMessageBatchCommand: both are authorized by sqs:SendMessage. */
export const QUEUE_SEND_ACTIONS = ['sqs:SendMessage'] as const;

/** The Powertools secrets provider calls GetSecretValue, and nothing else. */
export const SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue'] as const;

export function tableStatements(
  table: dynamodb.ITable,
  indexes: string[],
  access: TableAccess,
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ actions: [...TABLE_ACTIONS[access]], resources: [table.tableArn] }),
    ...(indexes.length > 0
      ? [
          new iam.PolicyStatement({
            actions: [...INDEX_ACTIONS],
            resources: indexes.map((index) => `${table.tableArn}/index/${index}`),
          }),
        ]
      : []),
  ];
}

export function bucketStatements(
  bucket: s3.IBucket,
  keyPrefix: string,
  access: BucketAccess,
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: [...BUCKET_OBJECT_ACTIONS[access]],
      resources: [bucket.arnForObjects(`${keyPrefix}*`)],
    }),
    new iam.PolicyStatement({
      actions: [...BUCKET_LIST_ACTIONS],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${keyPrefix}*`] } },
    }),
  ];
}
