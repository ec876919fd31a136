import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { ObjectClient } from '../aws/s3.ts';
import { requiredEnv } from '../config.ts';
import type { ChunkedErasure, ChunkOutcome } from '../users/ports.ts';
import { buckets } from '../wiring.ts';
import { indexKey, s3Client } from './s3.ts';

/** A user's search index as an account's erasure deletes it: one object, one call. */
export class SearchIndexErasure implements ChunkedErasure {
  constructor(
    private readonly bucket: string = requiredEnv(buckets.searchIndexes.envVar),
    private readonly s3: ObjectClient = s3Client(),
  ) {}

  async eraseChunk(username: string): Promise<ChunkOutcome> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: indexKey(username) }));
    return { done: true };
  }
}
