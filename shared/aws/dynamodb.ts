import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Unavailable } from '../errors.ts';
import { retry, TRY_AGAIN, type RetryPolicy } from '../retry.ts';

/**
 * The document client every DynamoDB adapter takes: the one place where an AWS failure becomes a domain error
 * (see translateAwsError), so that adapters call `send` plainly. It overrides `send` rather than adding a
 * middleware because aws-sdk-client-mock replaces the DynamoDBDocumentClient's `send`, where no middleware runs:
 * the override calls that `send`, mocked or not, so the translation holds in unit tests too. Paginators call
 * `send` as well. The SDK's own retry strategy has already retried throttling, 5xx and network errors by then.
 */
export class DocumentClient extends DynamoDBDocumentClient {
  /** Sets the type apart, so that an adapter cannot be given a client that leaves its errors untranslated. */
  readonly translatesAwsErrors = true;

  constructor(client: DynamoDBClient = new DynamoDBClient({})) {
    super(client, { marshallOptions: { removeUndefinedValues: true } });
    // An own `send` that calls the inherited one (a mock's, in tests) at call time. Assigned rather than
    // declared as an override: the inherited `send` has three overloads (callbacks) this one does not need.
    const send = async (command: never, options?: never): Promise<unknown> => {
      try {
        return await super.send(command, options);
      } catch (error) {
        throw translateAwsError(error);
      }
    };
    this.send = send as DynamoDBDocumentClient['send'];
  }
}

let client: DocumentClient | undefined;

/**
 * One document client per process, created on first use. The endpoint comes from the SDK's own
 * `AWS_ENDPOINT_URL_DYNAMODB` variable, which the local runtime points at DynamoDB Local.
 */
export function documentClient(): DocumentClient {
  client ??= new DocumentClient();
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
function translateAwsError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const fault = (error as { $fault?: string }).$fault;
  const code = (error as { code?: string }).code;
  if (UNAVAILABLE_NAMES.has(error.name) || fault === 'server' || (code && NETWORK_CODES.has(code))) {
    return new Unavailable('The database is unavailable right now; try again shortly.');
  }
  return error;
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`Missing environment variable ${name}: set it to the name of the table to use.`);
  return value;
}

/**
 * Transactions that collide with concurrent ones on the same items are cancelled with TransactionConflict. The
 * SDK does not retry a cancellation (it is an answer, not a fault), so transact does, with the shared policy.
 */
const TRANSACTION_RETRY: RetryPolicy = {
  attempts: 8,
  baseDelayMs: 20,
  maxDelayMs: 1000,
  giveUp: () => new Unavailable('The database is busy with other changes to these items; try again.'),
};

export type CancellationReasons = NonNullable<TransactionCanceledException['CancellationReasons']>;

/**
 * Runs a transaction; undefined when it committed, else the cancellation reasons when a condition failed.
 * Cancellations caused only by concurrent transactions on the same items are retried with jittered backoff.
 */
export function transact(
  db: DocumentClient,
  command: TransactWriteCommand,
): Promise<CancellationReasons | undefined> {
  return retry(TRANSACTION_RETRY, async () => {
    try {
      await db.send(command);
      return undefined;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) return reasons;
      const conflictOnly = reasons.every(
        (r) => !r.Code || r.Code === 'None' || r.Code === 'TransactionConflict',
      );
      if (!conflictOnly) throw TRANSACTION_RETRY.giveUp();
      return TRY_AGAIN;
    }
  });
}
