import { bodyHash, type QueueClient, sendInBatches, sqsClient } from '../aws/sqs.ts';
import { requiredEnv } from '../config.ts';
import { queues } from '../wiring.ts';
import { rebuildRequestBody, type SearchUpdate, searchMessageBodies, searchMessageSchema } from './model.ts';
import type { SearchRebuilds } from './ports.ts';

/**
 * The searchUpdates queue (FIFO): each message carries one user's consecutive updates, or a rebuild request
 * (model.ts); its group is that user (the wiring's `fifoBy`), so a user's messages are delivered in the order
 * sent and one batch at a time; its deduplication id is the hash of the body, so that a stream batch sent again
 * after a failure does not apply its changes twice, and a rebuild requested again within 5 minutes is dropped.
 * Two different changes never share a body: each carries the whole link, whose `version`, `checked_at` or
 * `created_at` differ.
 */
export class SqsSearchUpdates implements SearchRebuilds {
  constructor(
    private readonly queueUrl: string = requiredEnv(queues.searchUpdates.envVar),
    private readonly client: QueueClient = sqsClient(),
  ) {}

  send(updates: SearchUpdate[]): Promise<void> {
    return this.sendBodies(searchMessageBodies(updates));
  }

  /** Asks for the user's index to be built if it is missing or outdated. */
  request(username: string): Promise<void> {
    return this.requestAll([username]);
  }

  requestAll(usernames: readonly string[]): Promise<void> {
    return this.sendBodies(usernames.map(rebuildRequestBody));
  }

  private sendBodies(bodies: string[]): Promise<void> {
    return sendInBatches(this.client, this.queueUrl, bodies, {
      messageGroupOf: (body) => searchMessageSchema.parse(JSON.parse(body)).username,
      deduplicationIdOf: bodyHash,
    });
  }
}
