import { GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import type { ObjectClient } from '../aws/s3.ts';
import { requiredEnv } from '../config.ts';
import type { PageTexts } from '../search/ports.ts';
import { buckets } from '../wiring.ts';
import { s3Client } from './s3.ts';
import { pageTextKey } from './snapshots.ts';

const gunzip = promisify(gunzipCallback);

/**
 * The readable text of each link's latest snapshot, as the search context reads it (its PageTexts port): the
 * object the snapshot store keeps beside the snapshots (S3SnapshotStore.save), '' when there is none.
 */
export class SnapshotTextsForSearch implements PageTexts {
  constructor(
    private readonly bucket: string = requiredEnv(buckets.snapshots.envVar),
    private readonly s3: ObjectClient = s3Client(),
  ) {}

  async textOf(username: string, url: string): Promise<string> {
    try {
      const object = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: pageTextKey({ username, url }) }),
      );
      return (await gunzip(await object.Body!.transformToByteArray())).toString('utf8');
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return '';
      throw error;
    }
  }
}
