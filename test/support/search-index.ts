import { PutObjectCommand } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { requiredEnv } from '../../shared/config.ts';
import { indexKey, s3Client } from '../../shared/search/s3.ts';
import { buckets } from '../../shared/wiring.ts';

/**
 * Stores what format 2 wrote (gzip-compressed JSON) where the running service reads the user's search index:
 * an index of an older format, as every index is after a deploy that bumps INDEX_FORMAT.
 */
export async function putOlderSearchIndex(username: string): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({
      Bucket: requiredEnv(buckets.searchIndexes.envVar),
      Key: indexKey(username),
      Body: gzipSync(JSON.stringify({ format: 2, index: {} })),
    }),
  );
}
