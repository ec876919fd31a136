import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { requiredEnv } from '../config.ts';
import { sendInBatches, sqsClient } from '../aws/sqs.ts';
import type { FanOutContinuation, FeedQueue, FeedWrite } from './ports.ts';

/** The news pipeline's two queues: feed writes (an event and a batch of followers) and fan-out continuations. */
export class SqsFeedQueue implements FeedQueue {
  constructor(
    private readonly feedWritesUrl: string = requiredEnv('FEED_WRITES_QUEUE_URL'),
    private readonly fanOutUrl: string = requiredEnv('FANOUT_QUEUE_URL'),
    private readonly client: SQSClient = sqsClient(),
  ) {}

  sendFeedWrites(writes: FeedWrite[]): Promise<void> {
    return sendInBatches(
      this.client,
      this.feedWritesUrl,
      writes.map((write) => JSON.stringify(write)),
    );
  }

  async sendContinuation(continuation: FanOutContinuation): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.fanOutUrl, MessageBody: JSON.stringify(continuation) }),
    );
  }
}
