import type { SQSClient } from '@aws-sdk/client-sqs';
import { requiredEnv } from '../config.ts';
import { sendInBatches, sqsClient } from '../aws/sqs.ts';
import { toCheckMessage, type CheckRequest } from './model.ts';
import type { CheckQueue } from './ports.ts';

/** The link-check queue, in order: requests are sent in the order given (the re-check interleaves users). */
export class SqsCheckQueue implements CheckQueue {
  constructor(
    private readonly queueUrl: string = requiredEnv('LINK_CHECKS_QUEUE_URL'),
    private readonly client: SQSClient = sqsClient(),
  ) {}

  send(requests: CheckRequest[]): Promise<void> {
    return sendInBatches(this.client, this.queueUrl, requests.map(toCheckMessage));
  }
}
