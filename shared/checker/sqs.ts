import { requiredEnv } from '../config.ts';
import { type QueueClient, sendInBatches, sqsClient } from '../aws/sqs.ts';
import { messageGroupOf, queues } from '../wiring.ts';
import { toCheckMessage, type CheckRequest } from './model.ts';
import type { CheckQueue } from './ports.ts';

/**
 * The link-check queue, in order: requests are sent in the order given (the re-check interleaves users).
 *
 * Every message carries its link's owner as MessageGroupId (the wiring declares the queue fair by `username`),
 * which makes the standard queue an SQS fair queue: nothing to configure on the queue itself. When one tenant
 * takes a disproportionate share of the consumers (over 10% of the recent processing time, or over 10% of the
 * in-flight messages with at least 30 of its own), SQS hands out the other tenants' messages first whenever
 * there are any, so a user's import of thousands of links delays only that user's own checks. Order within a
 * group is not kept (it is not a FIFO queue), and none is needed. With checkLink's concurrency capped at 5
 * batches of 5, no tenant reaches 30 messages in flight: the processing-time share is what flags a backlog.
 */
export class SqsCheckQueue implements CheckQueue {
  constructor(
    private readonly queueUrl: string = requiredEnv('LINK_CHECKS_QUEUE_URL'),
    private readonly client: QueueClient = sqsClient(),
  ) {}

  send(requests: CheckRequest[]): Promise<void> {
    return sendInBatches(this.client, this.queueUrl, requests.map(toCheckMessage), {
      messageGroupOf: (body) => messageGroupOf(queues.linkChecks, body),
    });
  }
}
