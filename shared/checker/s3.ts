import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { LinkRef } from '../links/checks.ts';
import type { FetchedPage } from './model.ts';
import type { SnapshotStore } from './ports.ts';
import { newestFirst, pageTextKey, snapshotDisposition, snapshotKey, snapshotPrefix } from './snapshots.ts';
import { requiredEnv } from '../config.ts';
import { deleteObjects, objectClient, type ObjectClient } from '../aws/s3.ts';

const gzip = promisify(gzipCallback);

/** The snapshot store's S3 client. */
export const s3Client = () => objectClient('The snapshot store');

/**
 * Snapshots as gzip-compressed objects: `Content-Type` is the page's own, `Content-Encoding: gzip`, and metadata
 * `fetched-at`, `http-status`, `source-url` (the final URL, percent-encoded: metadata is ASCII) and `truncated`
 * when the page passed the body limit.
 *
 * A snapshot is an untrusted page, so it is served inert, as a download: the object is stored with
 * `Content-Disposition: attachment`, and the presigned URL asks S3 for the same (`response-content-disposition`),
 * so that a browser saves it as a file and never renders it, whatever origin serves it. (S3's origin is not the
 * API's anyway; locally the emulator serves on another port of localhost, which shares the API's cookies, and it
 * answers with the stored disposition: it ignores the presigned override.)
 *
 * Saving a page with its readable text (which the checker's core takes from an HTML page, page-text.ts) keeps the
 * text at pageTextKey, replacing the previous one, before the check is recorded: the link's change that the record
 * makes reaches the search index's updater, which reads the text then. Removing all of a link's snapshots removes
 * its text too.
 */
export class S3SnapshotStore implements SnapshotStore {
  constructor(
    private readonly bucket: string = requiredEnv('SNAPSHOTS_BUCKET'),
    private readonly s3: ObjectClient = s3Client(),
  ) {}

  async save(link: LinkRef, page: FetchedPage, text: string | undefined): Promise<string> {
    const key = snapshotKey(link, page.fetchedAt);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: await gzip(page.body),
        ContentType: page.contentType,
        ContentEncoding: 'gzip',
        ContentDisposition: snapshotDisposition(key),
        CacheControl: 'private, max-age=300',
        Metadata: {
          'fetched-at': page.fetchedAt,
          'http-status': String(page.httpStatus),
          'source-url': encodeURI(page.url).slice(0, 1024),
          ...(page.truncated ? { truncated: 'true' } : {}),
        },
      }),
    );
    if (text !== undefined) {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: pageTextKey(link),
          Body: await gzip(text),
          ContentType: 'application/gzip',
        }),
      );
    }
    return key;
  }

  async latest(link: LinkRef): Promise<string | undefined> {
    return newestFirst(await this.keys(link))[0];
  }

  downloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    const download = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: snapshotDisposition(key),
    });
    return getSignedUrl(this.s3, download, { expiresIn: expiresInSeconds });
  }

  async remove(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async removeAll(link: LinkRef): Promise<number> {
    const keys = await this.keys(link);
    await deleteObjects(this.s3, this.bucket, [...keys, pageTextKey(link)]);
    return keys.length;
  }

  async prune(link: LinkRef, keep: number): Promise<void> {
    await deleteObjects(this.s3, this.bucket, newestFirst(await this.keys(link)).slice(keep));
  }

  private async keys(link: LinkRef): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: snapshotPrefix(link),
          ContinuationToken: token,
        }),
      );
      keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }
}
