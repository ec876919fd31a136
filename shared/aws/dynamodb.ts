import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { Unavailable } from '../errors.ts';

let client: DynamoDBDocumentClient | undefined;

/**
 * One document client per process, created on first use. The endpoint comes from the SDK's own
 * `AWS_ENDPOINT_URL_DYNAMODB` variable, which the local runtime points at DynamoDB Local.
 */
export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return client;
}

const UNAVAILABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The SDK has already retried throttling and server errors with backoff; what still fails is a dependency
 * that is down (503). Anything else is a bug on our side and stays as it is (500).
 */
export function translateAwsError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const fault = (error as { $fault?: string }).$fault;
  const code = (error as { code?: string }).code;
  if (UNAVAILABLE_NAMES.has(error.name) || fault === 'server' || (code && NETWORK_CODES.has(code))) {
    return new Unavailable('The database is unavailable right now; try again shortly.');
  }
  return error;
}

/** Runs a storage call, turning an outage into the domain's Unavailable error. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateAwsError(error);
  }
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`Missing environment variable ${name}: set it to the name of the table to use.`);
  return value;
}

/** Transactions that collide with concurrent ones are cancelled; they are retried this many times. */
const TRANSACTION_ATTEMPTS = 8;

export type CancellationReasons = NonNullable<TransactionCanceledException['CancellationReasons']>;

/**
 * Runs a transaction; undefined when it committed, else the cancellation reasons when a condition failed.
 * Cancellations caused only by concurrent transactions on the same items are retried with jittered backoff.
 */
export async function transact(
  db: DynamoDBDocumentClient,
  command: TransactWriteCommand,
): Promise<CancellationReasons | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await guarded(() => db.send(command));
      return undefined;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) return reasons;
      const conflictOnly = reasons.every(
        (r) => !r.Code || r.Code === 'None' || r.Code === 'TransactionConflict',
      );
      if (!conflictOnly || attempt >= TRANSACTION_ATTEMPTS) {
        throw new Unavailable('The database is busy with other changes to these items; try again.');
      }
      await sleep(Math.random() * 10 * 2 ** attempt);
    }
  }
}
