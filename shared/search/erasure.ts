import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { ObjectClient } from '../aws/s3.ts';
import { requiredEnv } from '../config.ts';
import type { ChunkedErasure, ChunkOutcome } from '../users/ports.ts';
import { buckets } from '../wiring.ts';
import { indexKey, legacyIndexKey, s3Client } from './s3.ts';

/** A user's search index as an account's erasure deletes it: its object, and the one of an older format. */
export class SearchIndexErasure implements ChunkedErasure {
  constructor(
    private readonly bucket: string = requiredEnv(buckets.searchIndexes.envVar),
    private readonly s3: ObjectClient = s3Client(),
  ) {}

  async eraseChunk(username: string): Promise<ChunkOutcome> {
    for (const key of [indexKey(username), legacyIndexKey(username)])
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    return { done: true };
  }
}
