import {
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Unavailable } from '../errors.ts';
import { requiredEnv } from '../aws/dynamodb.ts';
import type { FanOutContinuation, FeedQueue, FeedWrite } from './ports.ts';

/** SendMessageBatch takes at most 10 messages per call. */
export const SEND_BATCH_LIMIT = 10;
const SEND_ATTEMPTS = 5;

let client: SQSClient | undefined;
/** One SQS client per process, created on first use; the endpoint comes from `AWS_ENDPOINT_URL_SQS`. */
export const sqsClient = () => (client ??= new SQSClient({}));

export class SqsFeedQueue implements FeedQueue {
  constructor(
    private readonly feedWritesUrl: string = requiredEnv('FEED_WRITES_QUEUE_URL'),
    private readonly fanOutUrl: string = requiredEnv('FANOUT_QUEUE_URL'),
    private readonly client: SQSClient = sqsClient(),
  ) {}

  async sendFeedWrites(writes: FeedWrite[]): Promise<void> {
    for (let i = 0; i < writes.length; i += SEND_BATCH_LIMIT) {
      let entries: SendMessageBatchRequestEntry[] = writes
        .slice(i, i + SEND_BATCH_LIMIT)
        .map((write, index) => ({ Id: String(index), MessageBody: JSON.stringify(write) }));
      // Entries that failed are sent again; a resend that had in fact landed is harmless (writes are idempotent).
      for (let attempt = 1; entries.length > 0; attempt++) {
        if (attempt > SEND_ATTEMPTS) throw new Unavailable('The feed queue keeps refusing messages.');
        if (attempt > 1) await sleep(Math.random() * 25 * 2 ** attempt);
        const { Failed = [] } = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.feedWritesUrl, Entries: entries }),
        );
        const failed = new Set(Failed.map((f) => f.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
      }
    }
  }

  async sendContinuation(continuation: FanOutContinuation): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.fanOutUrl, MessageBody: JSON.stringify(continuation) }),
    );
  }
}
