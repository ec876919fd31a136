import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { requiredEnv } from '../config.ts';
import { type QueueClient, sendInBatches, sqsClient } from '../aws/sqs.ts';
import type { FanOutContinuation, FeedWrite } from './messages.ts';
import type { FeedQueue } from './ports.ts';

/** The news pipeline's two queues: feed writes (an event and a batch of followers) and fan-out continuations. */
export class SqsFeedQueue implements FeedQueue {
  /** Queue URLs default to the environment, read on first use: a function gets only the queues it sends to. */
  constructor(
    private readonly urls: { feedWrites?: string; fanOut?: string } = {},
    private readonly client: QueueClient = sqsClient(),
  ) {}

  sendFeedWrites(writes: FeedWrite[]): Promise<void> {
    const queueUrl = (this.urls.feedWrites ??= requiredEnv('FEED_WRITES_QUEUE_URL'));
    const bodies = writes.map((write) => JSON.stringify(write));
    return sendInBatches(this.client, queueUrl, bodies);
  }

  async sendContinuation(continuation: FanOutContinuation): Promise<void> {
    const queueUrl = (this.urls.fanOut ??= requiredEnv('FANOUT_QUEUE_URL'));
    await this.client.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(continuation) }),
    );
  }
}
