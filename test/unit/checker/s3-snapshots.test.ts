import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { FetchedPage } from '../../../shared/checker/model.ts';
import { S3SnapshotStore } from '../../../shared/checker/s3.ts';
import { pageTextKey, snapshotDisposition, snapshotKey } from '../../../shared/checker/snapshots.ts';
import { useMockedS3 } from '../support/s3.ts';

/** Snapshots are untrusted pages: stored and handed out as downloads, never as pages a browser renders. */

const { s3: mocked, client: s3 } = useMockedS3();

const store = new S3SnapshotStore('snapshots-bucket', s3);
const link = { username: 'alice', url: 'https://evil.example/' };
const page: FetchedPage = {
  url: 'https://evil.example/',
  httpStatus: 200,
  contentType: 'text/html; charset=utf-8',
  body: Buffer.from('<script>fetch("/v1/links").then(steal)</script>'),
  truncated: false,
  fetchedAt: '2026-11-23T18:00:05.123Z',
};

describe('snapshot downloads', () => {
  it('given a snapshot key, when its presigned URL is made, then it asks S3 to answer as an attachment named after the fetch time', async () => {
    const key = snapshotKey(link, page.fetchedAt);

    const url = new URL(await store.downloadUrl(key, 300));

    expect(url.searchParams.get('response-content-disposition')).toBe(
      'attachment; filename="snapshot-20261123T180005123Z.html"',
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(url.searchParams.has('response-content-type')).toBe(false);
  });

  it('given a page, when it is saved, then the object itself carries Content-Disposition: attachment', async () => {
    mocked.on(PutObjectCommand).resolves({});

    const key = await store.save(link, page, undefined);

    const input = mocked.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      Key: key,
      ContentType: 'text/html; charset=utf-8',
      ContentEncoding: 'gzip',
      ContentDisposition: 'attachment; filename="snapshot-20261123T180005123Z.html"',
    });
  });

  it.each([
    ['snapshots/alice/abc_-T9/20261123T180005123Z.html.gz', 'snapshot-20261123T180005123Z.html'],
    ['snapshots/alice/odd-key', 'snapshot-page.html'],
  ])('given the key %s, then the download is named %s', (key, name) => {
    expect(snapshotDisposition(key)).toBe(`attachment; filename="${name}"`);
  });
});

describe('page texts beside the snapshots', () => {
  it("given a page and its readable text, when saved, then the text is kept at the link's text key", async () => {
    mocked.on(PutObjectCommand).resolves({});

    await store.save(link, page, 'Hello');

    const text = mocked
      .commandCalls(PutObjectCommand)
      .map((call) => call.args[0].input)
      .find((input) => input.Key === pageTextKey(link))!;
    expect(gunzipSync(text.Body as Uint8Array).toString('utf8')).toBe('Hello');
  });

  it('given a page without readable text, when saved, then no text is kept', async () => {
    mocked.on(PutObjectCommand).resolves({});

    await store.save(link, page, undefined);

    expect(mocked.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key)).toEqual([
      snapshotKey(link, page.fetchedAt),
    ]);
  });

  it('given a deleted link, when all its snapshots are removed, then its text goes too', async () => {
    mocked.on(ListObjectsV2Command).resolves({ Contents: [{ Key: snapshotKey(link, page.fetchedAt) }] });
    mocked.on(DeleteObjectsCommand).resolves({});

    await store.removeAll(link);

    const deleted = mocked.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete!.Objects!;
    expect(deleted.map((object) => object.Key)).toEqual([
      snapshotKey(link, page.fetchedAt),
      pageTextKey(link),
    ]);
  });
});
