import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { objectClient, type ObjectClient } from '../aws/s3.ts';
import { requiredEnv } from '../config.ts';
import type { ExportFileMeta, ExportFiles } from './ports.ts';

const s3Client = () => objectClient('The export store');

/** Every part but the last must be at least 5 MiB; 8 MiB keeps the calls few and the memory bounded. */
const PART_BYTES = 8 * 1024 * 1024;

/**
 * Large exports in the exports bucket (expired by its lifecycle after a day), written as a multipart upload as the
 * chunks come, so that at most one part is held at a time; a failure aborts the upload. The object carries its
 * content type and `Content-Disposition: attachment`, and the presigned download asks for the same.
 */
export class S3ExportFiles implements ExportFiles {
  constructor(
    private readonly bucket: string = requiredEnv('EXPORTS_BUCKET'),
    private readonly s3: ObjectClient = s3Client(),
  ) {}

  async write(key: string, meta: ExportFileMeta, chunks: AsyncIterable<string>): Promise<void> {
    const { UploadId } = await this.s3.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        ContentType: meta.contentType,
        ContentDisposition: meta.disposition,
      }),
    );
    if (!UploadId) throw new Error('S3 answered a multipart upload without its id');
    try {
      const parts: CompletedPart[] = [];
      const upload = async (body: Buffer) => {
        const PartNumber = parts.length + 1;
        const { ETag } = await this.s3.send(
          new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId, PartNumber, Body: body }),
        );
        parts.push({ PartNumber, ETag });
      };
      let pending: string[] = [];
      let pendingBytes = 0;
      for await (const chunk of chunks) {
        pending.push(chunk);
        pendingBytes += Buffer.byteLength(chunk);
        if (pendingBytes >= PART_BYTES) {
          const body = Buffer.from(pending.join(''));
          pending = [];
          pendingBytes = 0;
          await upload(body);
        }
      }
      if (pendingBytes > 0 || parts.length === 0) await upload(Buffer.from(pending.join('')));
      await this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (error) {
      await this.s3
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId }))
        .catch(() => undefined); // the bucket's lifecycle aborts it after a day anyway
      throw error;
    }
  }

  downloadUrl(key: string, meta: ExportFileMeta, expiresInSeconds: number): Promise<string> {
    const download = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: meta.disposition,
      ResponseContentType: meta.contentType,
    });
    return getSignedUrl(this.s3, download, { expiresIn: expiresInSeconds });
  }
}
