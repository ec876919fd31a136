import { requiredEnv } from '../config.ts';
import type { ChunkedErasure, ChunkOutcome } from '../users/ports.ts';
import { deletePrefixChunk, type ObjectClient } from '../aws/s3.ts';
import { s3Client } from './s3.ts';
import { SNAPSHOT_KEY_PREFIX } from './snapshots.ts';

/**
 * A user's snapshots as an account's erasure deletes them: everything under `snapshots/<username>/`, a listing
 * of up to 1,000 keys and one DeleteObjects per chunk (deletePrefixChunk).
 */
export class SnapshotsErasure implements ChunkedErasure {
  constructor(
    private readonly bucket: string = requiredEnv('SNAPSHOTS_BUCKET'),
    private readonly s3: ObjectClient = s3Client(),
  ) {}

  async eraseChunk(username: string): Promise<ChunkOutcome> {
    const done = await deletePrefixChunk(this.s3, this.bucket, `${SNAPSHOT_KEY_PREFIX}${username}/`);
    return { done };
  }
}
