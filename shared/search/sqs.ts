import { createHash } from 'node:crypto';
import { type QueueClient, sendInBatches, sqsClient } from '../aws/sqs.ts';
import { requiredEnv } from '../config.ts';
import { queues } from '../wiring.ts';
import { type SearchUpdate, searchMessageBodies } from './model.ts';

/**
 * The searchUpdates queue (FIFO): each message carries one user's consecutive updates (model.ts), its group is
 * that user (the wiring's `fifoBy`), so a user's updates are delivered in the order sent and one batch at a
 * time; its deduplication id is the hash of the body, so that a stream batch sent again after a failure does
 * not apply its changes twice. Two different changes never share a body: each carries the whole link, whose
 * `version`, `checked_at` or `created_at` differ.
 */
export class SqsSearchUpdates {
  constructor(
    private readonly queueUrl: string = requiredEnv(queues.searchUpdates.envVar),
    private readonly client: QueueClient = sqsClient(),
  ) {}

  send(updates: SearchUpdate[]): Promise<void> {
    return sendInBatches(this.client, this.queueUrl, searchMessageBodies(updates), {
      messageGroupOf: (body) => (JSON.parse(body) as { updates: SearchUpdate[] }).updates[0]!.username,
      deduplicationIdOf: (body) => createHash('sha256').update(body).digest('hex'),
    });
  }
}
