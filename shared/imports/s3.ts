import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { deletePrefixChunk, objectClient, type ObjectClient } from '../aws/s3.ts';
import { requiredEnv } from '../config.ts';
import { importObjectKey } from './model.ts';
import type { UploadedFiles } from './ports.ts';

/**
 * Checksums only where S3 requires one (DeleteObjects). By default the SDK adds the CRC32 of the request's body to
 * a PutObject, and a presigned PUT has no body yet: its URL would carry the CRC32 of nothing
 * (`x-amz-checksum-crc32=AAAAAA==`), and S3 would refuse every file uploaded to it as not matching. (The local
 * emulator does not check it.)
 */
const s3Client = () => objectClient('The import store', 'WHEN_REQUIRED');

/**
 * Uploaded bookmark files in the imports bucket, under `imports/<username>/<import id>` (expired by the bucket's
 * lifecycle after a day; the import deletes its file once it ends). The upload is a presigned PUT.
 */
export class S3UploadedFiles implements UploadedFiles {
  constructor(
    private readonly bucket: string = requiredEnv('IMPORTS_BUCKET'),
    private readonly s3: ObjectClient = s3Client(),
  ) {}

  uploadUrl(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.s3, new PutObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }

  /** Streams the body, and stops reading as soon as it passes `maxBytes`. */
  async read(key: string, maxBytes: number): Promise<Uint8Array | 'tooLarge' | undefined> {
    let body: AsyncIterable<Uint8Array>;
    try {
      const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!answer.Body) return undefined;
      body = answer.Body as AsyncIterable<Uint8Array>;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
    const chunks: Uint8Array[] = [];
    let length = 0;
    for await (const chunk of body) {
      length += chunk.byteLength;
      if (length > maxBytes) {
        (body as { destroy?: () => void }).destroy?.();
        return 'tooLarge';
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, length);
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Deletes a chunk of the user's uploaded files (account deletion); true once none is left. */
  deleteChunkOf(username: string): Promise<boolean> {
    return deletePrefixChunk(this.s3, this.bucket, importObjectKey(username, ''));
  }
}
