import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { requiredEnv } from '../config.ts';
import type { ChunkedErasure, ChunkOutcome } from '../users/ports.ts';
import type { ObjectClient } from '../aws/s3.ts';
import { s3Client } from './s3.ts';
import { SNAPSHOT_KEY_PREFIX } from './snapshots.ts';

/** ListObjectsV2 answers, and DeleteObjects takes, at most 1,000 keys. */
const KEYS_PER_CHUNK = 1000;

/**
 * A user's snapshots as an account's erasure deletes them: everything under `snapshots/<username>/`, a listing
 * of up to 1,000 keys and one DeleteObjects per chunk. Each chunk lists from the prefix's start, since what the
 * last one listed is gone.
 */
export class SnapshotsErasure implements ChunkedErasure {
  constructor(
    private readonly bucket: string = requiredEnv('SNAPSHOTS_BUCKET'),
    private readonly s3: ObjectClient = s3Client(),
  ) {}

  async eraseChunk(username: string): Promise<ChunkOutcome> {
    const listing = await this.s3.send(
      new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: `${SNAPSHOT_KEY_PREFIX}${username}/`,
        MaxKeys: KEYS_PER_CHUNK,
      }),
    );
    const keys = (listing.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
    if (keys.length > 0) {
      const { Errors = [] } = await this.s3.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      if (Errors.length > 0) {
        throw new Error(
          `Could not delete ${Errors.length} snapshot(s): ${Errors[0]?.Code ?? 'unknown error'}`,
        );
      }
    }
    return listing.IsTruncated ? { done: false } : { done: true };
  }
}
