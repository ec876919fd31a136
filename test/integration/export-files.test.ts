import { ObjectClient } from '../../shared/aws/s3.ts';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_AWS } from '../../local/engines.ts';
import { ensureQueuesAndBuckets } from '../../local/resources.ts';
import { S3ExportFiles } from '../../shared/links/export-files.ts';
import { buckets } from '../../shared/wiring.ts';
import { randomPrefix } from '../support/tables.ts';

/** Large exports in the emulator's S3: written as a multipart upload chunk by chunk, downloaded presigned. */

let s3: ObjectClient;
let bucket: string;
let files: S3ExportFiles;

beforeAll(async () => {
  const endpoint = inject('queuesEndpoint');
  const env = await ensureQueuesAndBuckets(endpoint, randomPrefix('exports'));
  bucket = env[buckets.exports.envVar]!;
  s3 = new ObjectClient({ ...LOCAL_AWS, endpoint, forcePathStyle: true });
  files = new S3ExportFiles(bucket, s3);
});
afterAll(() => s3?.destroy());

const META = { contentType: 'text/html; charset=utf-8', disposition: 'attachment; filename="export.html"' };

/** `count` chunks of `size` characters, each a distinct line. */
async function* chunks(count: number, size: number): AsyncGenerator<string> {
  for (let i = 0; i < count; i++) yield `${String(i).padStart(8, '0')}${'é'.repeat((size - 9) / 2)}\n`;
}

describe('exports in S3', () => {
  it('given chunks adding up to more than two parts, when written, then the download is every chunk in order, with its type and disposition', async () => {
    const key = 'exports/alice/2026-12-02T04:30:00.000Z.html';
    // 20 MiB of 2-byte characters in chunks of 64 KiB: three parts of 8 MiB at most.
    const count = 320;

    await files.write(key, META, chunks(count, 64 * 1024 + 1));
    const download = await fetch(await files.downloadUrl(key, META, 900));

    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(META.disposition);
    const lines = (await download.text()).split('\n').filter(Boolean);
    expect(lines).toHaveLength(count);
    expect(lines.map((line) => Number(line.slice(0, 8)))).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('given a stream of chunks that fails halfway, when written, then the upload is aborted and nothing is left', async () => {
    const key = 'exports/alice/failed.html';
    async function* failing(): AsyncGenerator<string> {
      yield* chunks(200, 64 * 1024 + 1);
      throw new Error('the store stopped answering');
    }

    await expect(files.write(key, META, failing())).rejects.toThrow('the store stopped answering');

    const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(Uploads.filter((upload) => upload.Key === key)).toEqual([]);
    expect((await fetch(await files.downloadUrl(key, META, 900))).status).toBe(404);
  });
});
