import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  TransactionCanceledException,
  type CancellationReason,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach } from 'vitest';
import { DocumentClient } from '../../../shared/aws/dynamodb.ts';
import { credentialToLookupItem } from '../../../shared/users/dynamodb.ts';
import type { Credential } from '../../../shared/users/model.ts';

/**
 * A mocked DynamoDB for an adapter's unit tests: `dynamo` answers every call (reset before each test, restored
 * after the file), `db` is the client to hand the adapter, `updates()` the UpdateItem inputs sent so far.
 */
export function useMockedDynamo() {
  const dynamo = mockClient(DynamoDBDocumentClient);
  beforeEach(() => dynamo.reset());
  afterAll(() => dynamo.restore());
  return {
    dynamo,
    db: new DocumentClient(new DynamoDBClient({})),
    updates: () => dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input),
  };
}

/** DynamoDB's failures as the SDK raises them, for mocked clients to reject with. */

const metadata = { httpStatusCode: 400, requestId: 'unit-test' };

/** A cancelled transaction; one reason per item, in the order of the transaction's items. */
export function transactionCancelled(...reasons: CancellationReason[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
    $metadata: metadata,
    CancellationReasons: reasons,
  });
}

/** A failed condition; `old` is the item already there, marshalled as DynamoDB sends it back. */
export function conditionFailed(old?: object): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: metadata,
    ...(old ? { Item: marshall(old, { removeUndefinedValues: true }) } : {}),
  });
}

export const reason = {
  none: { Code: 'None' } as CancellationReason,
  conflict: {
    Code: 'TransactionConflict',
    Message: 'Transaction is ongoing for the item',
  } as CancellationReason,
  conditionFailed: (old?: object): CancellationReason => ({
    Code: 'ConditionalCheckFailed',
    Message: 'The conditional request failed',
    ...(old ? { Item: marshall(old, { removeUndefinedValues: true }) } : {}),
  }),
};

export function throughputExceeded(): ProvisionedThroughputExceededException {
  return new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded.',
    $metadata: metadata,
  });
}

export function throttling(): ThrottlingException {
  return new ThrottlingException({
    message: 'Rate of requests exceeds the allowed throughput.',
    $metadata: metadata,
  });
}

/** What DynamoDB answers to a malformed request: a bug on our side, never an outage. */
export function validationError(message: string): DynamoDBServiceException {
  return new DynamoDBServiceException({
    name: 'ValidationException',
    $fault: 'client',
    message,
    $metadata: metadata,
  });
}

/** A credential's lookup item of the users table, as DynamoCredentialStore writes it. */
export function sessionItem(credential: Credential): Record<string, unknown> {
  return credentialToLookupItem(credential);
}

const EXPRESSION_WORDS = new Set([
  'SET',
  'REMOVE',
  'ADD',
  'DELETE',
  'AND',
  'OR',
  'NOT',
  'BETWEEN',
  'IN',
  'attribute_exists',
  'attribute_not_exists',
  'attribute_type',
  'begins_with',
  'contains',
  'size',
  'if_not_exists',
  'list_append',
]);

/**
 * The attribute names that a request's expressions name (update, condition, filter, projection, key condition),
 * with `#name` placeholders resolved: what IAM's `dynamodb:Attributes` sees of them.
 */
export function attributesNamed(input: {
  UpdateExpression?: string | undefined;
  ConditionExpression?: string | undefined;
  FilterExpression?: string | undefined;
  ProjectionExpression?: string | undefined;
  KeyConditionExpression?: string | undefined;
  ExpressionAttributeNames?: Record<string, string> | undefined;
}): Set<string> {
  const expressions = [
    input.UpdateExpression,
    input.ConditionExpression,
    input.FilterExpression,
    input.ProjectionExpression,
    input.KeyConditionExpression,
  ].filter((expression): expression is string => expression !== undefined);
  const names = new Set<string>();
  for (const expression of expressions) {
    for (const [token] of expression.matchAll(/(?<![:\w#])#?[A-Za-z_]\w*/g)) {
      if (EXPRESSION_WORDS.has(token)) continue;
      const name = token.startsWith('#') ? input.ExpressionAttributeNames?.[token] : token;
      if (name === undefined) throw new Error(`${token} has no ExpressionAttributeNames entry`);
      names.add(name);
    }
  }
  return names;
}
