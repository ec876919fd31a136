import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Unavailable } from '../errors.ts';
import { translatingSend } from './errors.ts';
import { retry, TRY_AGAIN, type RetryPolicy } from '../retry.ts';

/**
 * The document client every DynamoDB adapter takes: its failures arrive as domain errors (see
 * shared/aws/errors.ts). The SDK's own retry strategy has already retried throttling, 5xx and network errors.
 */
export class DocumentClient extends DynamoDBDocumentClient {
  /** Sets the type apart, so that an adapter cannot be given a client that leaves its errors untranslated. */
  readonly translatesAwsErrors = true;

  constructor(client: DynamoDBClient = new DynamoDBClient({})) {
    super(client, { marshallOptions: { removeUndefinedValues: true } });
    // Assigned rather than declared as an override: the inherited `send` has callback overloads not needed here.
    const send = translatingSend((command, options) => super.send(command, options), 'The database');
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

type CancellationReasons = NonNullable<TransactionCanceledException['CancellationReasons']>;

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
