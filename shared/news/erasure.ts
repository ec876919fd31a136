import { mapAtMost } from '../concurrency.ts';
import { deletePartitionChunk, documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import type { ChunkOutcome, NewsErasure } from '../users/ports.ts';
import { authorPrefix, DynamoLargeAuthors, feedPartition, timelinePartition } from './dynamodb.ts';

/** Feed items deleted per chunk of a user's own news. */
export const FEED_ITEMS_PER_CHUNK = 250;
/** Readers whose news is cleared of an author at once. */
const READERS_IN_FLIGHT = 8;

/**
 * The feeds as an account's erasure clears them: the erased user's items in each former follower's news (every
 * slot of the author, entries and the hidden revisions alike, so that not even the name is left), and the
 * user's own news, their timeline and their listing among the large authors.
 */
export class FeedsErasure implements NewsErasure {
  constructor(
    private readonly tableName: string = requiredEnv('FEEDS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async forgetAuthor(readers: string[], author: string): Promise<void> {
    await mapAtMost(READERS_IN_FLIGHT, readers, async (reader) => {
      while (
        !(await deletePartitionChunk(
          this.db,
          this.tableName,
          feedPartition(reader),
          FEED_ITEMS_PER_CHUNK,
          authorPrefix(author),
        ))
      );
    });
  }

  async eraseChunk(username: string): Promise<ChunkOutcome> {
    for (const partition of [feedPartition(username), timelinePartition(username)]) {
      if (!(await deletePartitionChunk(this.db, this.tableName, partition, FEED_ITEMS_PER_CHUNK)))
        return { done: false };
    }
    await new DynamoLargeAuthors(this.tableName, this.db).forget(username);
    return { done: true };
  }
}
