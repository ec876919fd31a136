import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
