import { deletePartitionChunk, documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import type { ChunkOutcome, NewsErasure } from '../users/ports.ts';
import { authorPrefix, feedPartition } from './dynamodb.ts';

/** Feed items deleted per chunk of a user's own news. */
export const FEED_ITEMS_PER_CHUNK = 250;
/** Readers whose news is cleared of an author at once. */
const READERS_IN_FLIGHT = 8;

/**
 * The feeds as an account's erasure clears them: the erased user's items in each former follower's news (every
 * slot of the author, entries and the hidden revisions alike, so that not even the name is left), and the
 * user's own news.
 */
export class FeedsErasure implements NewsErasure {
  constructor(
    private readonly tableName: string = requiredEnv('FEEDS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async forgetAuthor(readers: string[], author: string): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < readers.length) {
        const reader = readers[next++]!;
        while (
          !(await deletePartitionChunk(
            this.db,
            this.tableName,
            feedPartition(reader),
            FEED_ITEMS_PER_CHUNK,
            authorPrefix(author),
          ))
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(READERS_IN_FLIGHT, readers.length) }, worker));
  }

  async eraseChunk(username: string): Promise<ChunkOutcome> {
    const done = await deletePartitionChunk(
      this.db,
      this.tableName,
      feedPartition(username),
      FEED_ITEMS_PER_CHUNK,
    );
    return done ? { done: true } : { done: false };
  }
}
