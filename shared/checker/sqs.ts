import {
  SendMessageBatchCommand,
  type SQSClient,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { requiredEnv } from '../aws/dynamodb.ts';
import { Unavailable } from '../errors.ts';
import { sqsClient } from '../news/sqs.ts';
import { toCheckMessage, type CheckRequest } from './model.ts';
import type { CheckQueue } from './ports.ts';

/** SendMessageBatch takes at most 10 messages per call. */
const SEND_BATCH_LIMIT = 10;
const SEND_ATTEMPTS = 5;

/** The link-check queue, in order: requests are sent in the order given (the re-check interleaves users). */
export class SqsCheckQueue implements CheckQueue {
  constructor(
    private readonly queueUrl: string = requiredEnv('LINK_CHECKS_QUEUE_URL'),
    private readonly client: SQSClient = sqsClient(),
  ) {}

  async send(requests: CheckRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += SEND_BATCH_LIMIT) {
      let entries: SendMessageBatchRequestEntry[] = requests
        .slice(i, i + SEND_BATCH_LIMIT)
        .map((request, index) => ({ Id: String(index), MessageBody: toCheckMessage(request) }));
      // Entries that failed are sent again; a resend that had in fact landed costs one skipped check.
      for (let attempt = 1; entries.length > 0; attempt++) {
        if (attempt > SEND_ATTEMPTS) throw new Unavailable('The link-check queue keeps refusing messages.');
        if (attempt > 1) await sleep(Math.random() * 25 * 2 ** attempt);
        const { Failed = [] } = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = new Set(Failed.map((f) => f.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
      }
    }
  }
}
