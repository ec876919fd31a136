import { deletePartitionChunk, documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import type { ChunkedErasure, ChunkOutcome } from '../users/ports.ts';
import { userPartition } from './table-keys.ts';

/** Items of a user's partition deleted per chunk: ten BatchWriteItem calls. */
export const LINK_ITEMS_PER_CHUNK = 250;

/**
 * A user's links as an account's erasure deletes them: every item of the user's partition (the links and the
 * counters item), 25 per BatchWriteItem. The deletes reach the links stream as usual; by this step the user has
 * no follower left, so the fan-out finds nobody to tell, and the link checker deletes each link's snapshots.
 */
export class LinksErasure implements ChunkedErasure {
  constructor(
    private readonly tableName: string = requiredEnv('LINKS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async eraseChunk(username: string): Promise<ChunkOutcome> {
    const done = await deletePartitionChunk(
      this.db,
      this.tableName,
      userPartition(username),
      LINK_ITEMS_PER_CHUNK,
    );
    return done ? { done: true } : { done: false };
  }
}
