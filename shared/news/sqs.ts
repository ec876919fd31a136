import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { requiredEnv } from '../config.ts';
import { bodyHash, type QueueClient, sendInBatches, sqsClient } from '../aws/sqs.ts';
import { feedGroupOf } from './model.ts';
import type { FanOutContinuation, FeedQueueMessage, FeedWrite, FollowChange } from './messages.ts';
import type { FeedQueue, FollowChangeQueue } from './ports.ts';

/**
 * The news pipeline's two queues: feed writes (FIFO by the readers' group: a change and a batch of followers, or a
 * follow begun or ended) and fan-out continuations. A feed write's deduplication id is the hash of its body, so
 * that a fan-out step or a stream batch run again within five minutes does not send its writes twice.
 */
export class SqsFeedQueue implements FeedQueue, FollowChangeQueue {
  /** Queue URLs default to the environment, read on first use: a function gets only the queues it sends to. */
  constructor(
    private readonly urls: { feedWrites?: string; fanOut?: string } = {},
    private readonly client: QueueClient = sqsClient(),
  ) {}

  sendFeedWrites(writes: FeedWrite[]): Promise<void> {
    return this.sendToFeedWrites(writes);
  }

  sendFollowChanges(changes: FollowChange['follow'][]): Promise<void> {
    return this.sendToFeedWrites(
      changes.map((follow) => ({ group: feedGroupOf(follow.reader.username), follow })),
    );
  }

  async sendContinuation(continuation: FanOutContinuation): Promise<void> {
    const queueUrl = (this.urls.fanOut ??= requiredEnv('FANOUT_QUEUE_URL'));
    await this.client.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(continuation) }),
    );
  }

  private sendToFeedWrites(messages: FeedQueueMessage[]): Promise<void> {
    const queueUrl = (this.urls.feedWrites ??= requiredEnv('FEED_WRITES_QUEUE_URL'));
    const groups = new Map<string, string>();
    const bodies = messages.map((message) => {
      const body = JSON.stringify(message);
      groups.set(body, message.group);
      return body;
    });
    return sendInBatches(this.client, queueUrl, bodies, {
      messageGroupOf: (body) => groups.get(body),
      deduplicationIdOf: bodyHash,
    });
  }
}
