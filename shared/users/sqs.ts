import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { type QueueClient, sqsClient } from '../aws/sqs.ts';
import { requiredEnv } from '../config.ts';
import type { ErasureProgress } from './model.ts';
import type { ErasureQueue } from './ports.ts';

/** The account erasures' queue: one message per step still to run (shared/users/erasure.ts). */
export class SqsErasureQueue implements ErasureQueue {
  /** The URL defaults to the environment, read on first use. */
  constructor(
    private queueUrl?: string,
    private readonly client: QueueClient = sqsClient(),
  ) {}

  async send(progress: ErasureProgress): Promise<void> {
    this.queueUrl ??= requiredEnv('ACCOUNT_ERASURES_QUEUE_URL');
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(progress) }),
    );
  }
}
