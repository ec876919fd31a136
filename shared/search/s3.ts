import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { objectClient, type ObjectClient } from '../aws/s3.ts';
import { requiredEnv } from '../config.ts';
import { buckets } from '../wiring.ts';
import { IndexFormatMismatch, LinkSearchIndex } from './index.ts';
import type { SearchIndexStore, StoredIndex } from './ports.ts';

/** The search index store's S3 client. */
export const s3Client = () => objectClient('The search index store');

/** `indexes/<username>.idx`: usernames are `[a-z0-9-]`, so nobody's key is a prefix of another's. */
export const indexKey = (username: string) => `${buckets.searchIndexes.keyPrefix}${username}.idx`;

/**
 * Where indexes of format 2 and before were kept (gzip-compressed JSON): nothing reads them any more; an
 * account's erasure deletes its own, the rest are deleted by hand once the backfill is done (README: Deploying).
 */
export const legacyIndexKey = (username: string) => `${buckets.searchIndexes.keyPrefix}${username}.json.gz`;

/**
 * Each user's index as one object in its stored form (LinkSearchIndex.toBytes, stored-form.ts), uncompressed:
 * its postings are varints already, gzip would halve them at the cost of decompressing on every cold load,
 * about what the larger GET costs. A search's freshness check is a conditional GET (If-None-Match with the
 * ETag it holds): 304 and nothing downloaded while the index is unchanged.
 */
export class S3SearchIndexStore implements SearchIndexStore {
  constructor(
    private readonly bucket: string = requiredEnv(buckets.searchIndexes.envVar),
    private readonly s3: ObjectClient = s3Client(),
  ) {}

  load(username: string): Promise<StoredIndex | 'outdated' | undefined> {
    return this.get(username, undefined) as Promise<StoredIndex | 'outdated' | undefined>;
  }

  loadIfChanged(username: string, etag: string): Promise<StoredIndex | 'unchanged' | 'outdated' | undefined> {
    return this.get(username, etag);
  }

  async save(username: string, index: LinkSearchIndex): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: indexKey(username),
        Body: index.toBytes(),
        ContentType: 'application/octet-stream',
      }),
    );
  }

  async remove(username: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: indexKey(username) }));
  }

  private async get(
    username: string,
    etag: string | undefined,
  ): Promise<StoredIndex | 'unchanged' | 'outdated' | undefined> {
    let body: Uint8Array;
    let current: string;
    try {
      const object = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: indexKey(username), IfNoneMatch: etag }),
      );
      body = await object.Body!.transformToByteArray();
      current = object.ETag ?? '';
    } catch (error) {
      if (isNotModified(error)) return 'unchanged';
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
    try {
      return { index: LinkSearchIndex.fromBytes(body), etag: current };
    } catch (error) {
      if (error instanceof IndexFormatMismatch) return 'outdated';
      throw error;
    }
  }
}

/** S3 answers a GET whose If-None-Match holds with 304, which the SDK throws. */
function isNotModified(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 304 || (error as { name?: string }).name === 'NotModified';
}
