import { createHash } from 'node:crypto';
import {
  type MessageAttributeValue,
  SendMessageBatchCommand,
  SQSClient,
  type SendMessageBatchRequestEntry,
  type SQSClientConfig,
} from '@aws-sdk/client-sqs';
import { CORRELATION_ID, currentCorrelationId } from '../correlation.ts';
import { Unavailable } from '../errors.ts';
import { traced } from '../tracing.ts';
import { retry, TRY_AGAIN, type RetryPolicy } from '../retry.ts';
import { translatingSend } from './errors.ts';
import { sdkClientConfig, withoutSdkLogger } from './transport.ts';

/** SendMessageBatch takes at most 10 messages per call. */
const SEND_BATCH_LIMIT = 10;
/**
 * Refused entries of a SendMessageBatch: the call succeeded, so the SDK's retry strategy does not see them; they
 * are sent again with the shared policy.
 */
const REFUSED_ENTRIES_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  giveUp: () => new Unavailable('A queue keeps refusing messages; try again later.'),
};

/** The SQS client every queue adapter takes: its failures arrive as domain errors (see shared/aws/errors.ts). */
export class QueueClient extends SQSClient {
  /** Sets the type apart, so that an adapter cannot be given a client that leaves its errors untranslated. */
  readonly translatesAwsErrors = true;

  constructor(config: SQSClientConfig = {}) {
    super({ ...sdkClientConfig(), ...config });
    withoutSdkLogger(this);
    // Assigned rather than declared as an override: the inherited `send` has callback overloads not needed here.
    const send = translatingSend((command, options) => {
      withCorrelationAttribute((command as { input: SentMessages }).input);
      return super.send(command, options);
    }, 'The queue');
    this.send = send as SQSClient['send'];
    traced(this);
  }
}

/** What SendMessage and SendMessageBatch take: one message, or entries of them. */
interface SentMessages {
  MessageBody?: string;
  Entries?: { MessageAttributes?: Record<string, MessageAttributeValue> }[];
  MessageAttributes?: Record<string, MessageAttributeValue>;
}

/**
 * Every message sent while a correlation id is current carries it as its `correlation_id` attribute (one of the
 * ten SQS allows), so the consumer's work goes on under the same id (shared/correlation.ts).
 */
function withCorrelationAttribute(input: SentMessages): void {
  const id = currentCorrelationId();
  if (!id) return;
  const attribute = { [CORRELATION_ID]: { DataType: 'String', StringValue: id } };
  const messages = input.Entries ?? (input.MessageBody !== undefined ? [input] : []);
  for (const message of messages) message.MessageAttributes = { ...attribute, ...message.MessageAttributes };
}

let client: QueueClient | undefined;
/** One SQS client per process, created on first use; the endpoint comes from `AWS_ENDPOINT_URL_SQS`. */
export const sqsClient = () => (client ??= new QueueClient());

/**
 * A FIFO queue's deduplication id that is the hash of the message's body: the same body sent again within five
 * minutes (a retried step, a stream batch run again) is dropped.
 */
export const bodyHash = (body: string): string => createHash('sha256').update(body).digest('hex');

interface SendOptions {
  /** A fair queue's tenant of each message, sent as its MessageGroupId (none when it answers undefined). */
  messageGroupOf?: ((body: string) => string | undefined) | undefined;
  /** A FIFO queue's deduplication id of each message (a resend with the same id within 5 minutes is dropped). */
  deduplicationIdOf?: ((body: string) => string) | undefined;
}

/**
 * Sends the bodies in order, ten per SendMessageBatch call. SendMessageBatch can accept some entries and
 * refuse others: the refused ones are sent again with backoff (a resend of one that had in fact landed is a
 * duplicate, which every consumer here tolerates); what is still refused after a few attempts is an outage.
 */
export async function sendInBatches(
  client: QueueClient,
  queueUrl: string,
  bodies: string[],
  { messageGroupOf, deduplicationIdOf }: SendOptions = {},
): Promise<void> {
  for (let i = 0; i < bodies.length; i += SEND_BATCH_LIMIT) {
    let entries: SendMessageBatchRequestEntry[] = bodies.slice(i, i + SEND_BATCH_LIMIT).map((body, index) => {
      const group = messageGroupOf?.(body);
      return {
        Id: String(index),
        MessageBody: body,
        ...(group ? { MessageGroupId: group } : {}),
        ...(deduplicationIdOf ? { MessageDeduplicationId: deduplicationIdOf(body) } : {}),
      };
    });
    await retry(REFUSED_ENTRIES_RETRY, async () => {
      const { Failed = [] } = await client.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
      );
      const failed = new Set(Failed.map((f) => f.Id));
      entries = entries.filter((entry) => failed.has(entry.Id));
      return entries.length > 0 ? TRY_AGAIN : undefined;
    });
  }
}
