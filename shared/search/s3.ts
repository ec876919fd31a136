import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import { objectClient, type ObjectClient } from '../aws/s3.ts';
import { requiredEnv } from '../config.ts';
import { buckets } from '../wiring.ts';
import { IndexFormatMismatch, LinkSearchIndex } from './index.ts';
import type { SearchIndexStore, StoredIndex } from './ports.ts';

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

/** The search index store's S3 client. */
export const s3Client = () => objectClient('The search index store');

/** `indexes/<username>.json.gz`: usernames are `[a-z0-9-]`, so nobody's key is a prefix of another's. */
export const indexKey = (username: string) => `${buckets.searchIndexes.keyPrefix}${username}.json.gz`;

/**
 * Each user's index as one gzip-compressed JSON object (LinkSearchIndex.toJSON; the words compress about
 * fivefold). Stored as plain bytes, without Content-Encoding, so that no client inflates it on the way. A
 * search's freshness check is a conditional GET (If-None-Match with the ETag it holds): 304 and nothing
 * downloaded while the index is unchanged.
 */
export class S3SearchIndexStore implements SearchIndexStore {
  constructor(
    private readonly bucket: string = requiredEnv(buckets.searchIndexes.envVar),
    private readonly s3: ObjectClient = s3Client(),
  ) {}

  load(username: string): Promise<StoredIndex | undefined> {
    return this.get(username, undefined) as Promise<StoredIndex | undefined>;
  }

  loadIfChanged(username: string, etag: string): Promise<StoredIndex | 'unchanged' | undefined> {
    return this.get(username, etag);
  }

  async save(username: string, index: LinkSearchIndex): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: indexKey(username),
        Body: await gzip(index.toJSON()),
        ContentType: 'application/gzip',
      }),
    );
  }

  async remove(username: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: indexKey(username) }));
  }

  private async get(
    username: string,
    etag: string | undefined,
  ): Promise<StoredIndex | 'unchanged' | undefined> {
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
      return { index: LinkSearchIndex.fromJSON((await gunzip(body)).toString('utf8')), etag: current };
    } catch (error) {
      if (error instanceof IndexFormatMismatch) return undefined;
      throw error;
    }
  }
}

/** S3 answers a GET whose If-None-Match holds with 304, which the SDK throws. */
function isNotModified(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 304 || (error as { name?: string }).name === 'NotModified';
}
