import { aws_dynamodb as dynamodb, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import {
  ITEM_CALLS,
  reachProblems,
  type BucketAccess,
  type ItemCall,
  type KeyPrefixes,
  type TableDeclaration,
  type TableReach,
} from '../shared/wiring.ts';

/**
 * The IAM actions behind each kind of access the wiring declares, and nothing else: these are the calls that
 * the adapters under shared/ make (test/infra/permissions.test.ts reads the adapters and checks that every
 * command they send is covered, so a new kind of call cannot go unnoticed until it fails deployed).
 *
 * DynamoDB, per kind of item call (`TableReach`): GetCommand, QueryCommand (and paginateQuery); BatchGetCommand; PutCommand,
 * UpdateCommand, DeleteCommand, BatchWriteCommand; PartiQL INSERT statements; the Put, Update and Delete items of a TransactWriteCommand
 * need the same actions as alone (AWS: "Using IAM with DynamoDB transactions"), and the same LeadingKeys hold;
 * its ConditionCheck items need dynamodb:ConditionCheckItem (`conditionCheck`).
 * Indexes are only ever queried. paginateScan needs dynamodb:Scan, granted only as `scannedAttributes` says.
 */
export const ITEM_ACTIONS: Record<ItemCall, readonly string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  conditionCheck: ['dynamodb:ConditionCheckItem'],
  batchRead: ['dynamodb:BatchGetItem'],
  put: ['dynamodb:PutItem'],
  update: ['dynamodb:UpdateItem'],
  delete: ['dynamodb:DeleteItem'],
  batchWrite: ['dynamodb:BatchWriteItem'],
  // BatchExecuteStatement has no action of its own: each statement needs its PartiQL action.
  insert: ['dynamodb:PartiQLInsert'],
};
export const INDEX_ACTIONS = ['dynamodb:Query'] as const;
export const SCAN_ACTIONS = ['dynamodb:Scan'] as const;

/**
 * What an UpdateItem limited to some attributes may ask back. AWS's guide to fine-grained access control: an
 * update reads the item too, so ALL_OLD and ALL_NEW would return the attributes it may not touch.
 */
const ATTRIBUTE_LIMITED_RETURN_VALUES = ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] as const;

/**
 * Only items whose partition key starts with one of the prefixes. AWS requires the ForAllValues modifier with
 * dynamodb:LeadingKeys (a batch names several keys: every one must match).
 */
export function onItems(prefixes: KeyPrefixes) {
  return {
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`) },
  };
}

/**
 * Naming only these attributes (with `dynamodb:Attributes`, AWS requires the table's key attributes in the list,
 * else DynamoDB cannot use them).
 */
function onlyAttributes(declaration: TableDeclaration, attributes: readonly string[]) {
  return {
    'ForAllValues:StringEquals': {
      'dynamodb:Attributes': [
        declaration.partitionKey.name,
        ...(declaration.sortKey ? [declaration.sortKey.name] : []),
        ...attributes,
      ],
    },
  };
}

/**
 * A table's statements for one function's reach: one per set of key prefixes (the kinds of calls on the same
 * items together), each conditioned on dynamodb:LeadingKeys; an attribute-limited UpdateItem and a Scan get
 * their own. Queries on local indexes carry the read's LeadingKeys (a local index shares the table's partition
 * key); a global index's partition key is another attribute, so its Query is granted to readers of the table
 * as a whole, without a key condition.
 */
export function tableStatements(
  table: dynamodb.ITable,
  declaration: TableDeclaration,
  reach: TableReach,
): iam.PolicyStatement[] {
  const problems = reachProblems(reach);
  if (problems.length > 0) throw new Error(`A table reach that cannot be granted: ${problems.join('; ')}`);
  const statement = (
    actions: readonly string[],
    conditions: Record<string, unknown>,
    resources = [table.tableArn],
  ) => new iam.PolicyStatement({ actions: [...actions], resources, conditions });

  const byItems = new Map<string, { prefixes: string[]; actions: string[] }>();
  for (const call of ITEM_CALLS) {
    const prefixes = reach[call];
    if (!prefixes || prefixes.length === 0) continue;
    if (call === 'update' && reach.updatedAttributes) continue;
    const sorted = [...prefixes].sort();
    const group = byItems.get(sorted.join(' ')) ?? { prefixes: sorted, actions: [] };
    group.actions.push(...ITEM_ACTIONS[call]);
    byItems.set(sorted.join(' '), group);
  }
  const statements = [...byItems.values()].map((group) => statement(group.actions, onItems(group.prefixes)));

  if (reach.update && reach.updatedAttributes) {
    statements.push(
      statement(ITEM_ACTIONS.update, {
        ...onItems(reach.update),
        ...onlyAttributes(declaration, reach.updatedAttributes),
        // UpdateItem always has ReturnValues (NONE unless asked), so StringEquals rather than ...IfExists.
        StringEquals: { 'dynamodb:ReturnValues': [...ATTRIBUTE_LIMITED_RETURN_VALUES] },
      }),
    );
  }
  if (reach.read && reach.read.length > 0) {
    const indexArn = (index: string) => `${table.tableArn}/index/${index}`;
    const local = declaration.localIndexes.map((index) => indexArn(index.name));
    const global = (declaration.globalIndexes ?? []).map((index) => indexArn(index.name));
    if (local.length > 0) statements.push(statement(INDEX_ACTIONS, onItems(reach.read), local));
    if (global.length > 0)
      statements.push(new iam.PolicyStatement({ actions: [...INDEX_ACTIONS], resources: global }));
  }
  if (reach.scannedAttributes) {
    statements.push(
      statement(SCAN_ACTIONS, {
        ...onlyAttributes(declaration, reach.scannedAttributes),
        // Else a Scan could ask for ALL_ATTRIBUTES; a Scan always has Select, so StringEquals.
        StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
      }),
    );
  }
  return statements;
}

/**
 * S3, on the objects under the bucket's prefix (see `BucketAccess` in the wiring): GetObjectCommand and
 * presigned downloads (s3:GetObject), PutObjectCommand (s3:PutObject), DeleteObject(s)Command (s3:DeleteObject,
 * per key), multipart uploads (s3:PutObject; AbortMultipartUpload its own action); ListObjectsV2Command needs s3:ListBucket on the bucket, limited to listings under the prefix.
 */
export const BUCKET_OBJECT_ACTIONS: Record<BucketAccess, readonly string[]> = {
  read: ['s3:GetObject'],
  readwrite: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  delete: ['s3:DeleteObject'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'],
  upload: ['s3:PutObject'],
  consume: ['s3:GetObject', 's3:DeleteObject'],
};
export const BUCKET_LIST_ACTIONS = ['s3:ListBucket'] as const;

/** SendMessageCommand and SendMessageBatchCommand: both are authorized by sqs:SendMessage. */
export const QUEUE_SEND_ACTIONS = ['sqs:SendMessage'] as const;

/** The Powertools secrets provider calls GetSecretValue, and nothing else. */
export const SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue'] as const;

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
