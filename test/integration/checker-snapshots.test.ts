import { ObjectClient } from '../../shared/aws/s3.ts';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_AWS } from '../../local/engines.ts';
import { ensureQueuesAndBuckets } from '../../local/resources.ts';
import type { FetchedPage } from '../../shared/checker/model.ts';
import { S3SnapshotStore } from '../../shared/checker/s3.ts';
import { snapshotPrefix } from '../../shared/checker/snapshots.ts';
import { buckets } from '../../shared/wiring.ts';
import { randomPrefix } from '../support/tables.ts';

/** Page snapshots in the emulator's S3: stored compressed, found, downloaded through a presigned URL, deleted. */

let s3: ObjectClient;
let bucket: string;
let store: S3SnapshotStore;

beforeAll(async () => {
  const endpoint = inject('queuesEndpoint');
  const env = await ensureQueuesAndBuckets(endpoint, randomPrefix('snapshots'));
  bucket = env[buckets.snapshots.envVar]!;
  s3 = new ObjectClient({ ...LOCAL_AWS, endpoint, forcePathStyle: true });
  store = new S3SnapshotStore(bucket, s3);
});
afterAll(() => s3?.destroy());

const HTML = '<html><head><title>Snapshot</title></head><body>' + 'é'.repeat(2000) + '</body></html>';
const aPage = (fetchedAt: string, html = HTML): FetchedPage => ({
  url: 'https://go.dev/doc/',
  httpStatus: 200,
  contentType: 'text/html; charset=utf-8',
  body: Buffer.from(html),
  truncated: false,
  fetchedAt,
});
let counter = 0;
const aLinkRef = () => ({ username: `snap${++counter}`, url: 'https://go.dev/' });

describe('snapshots in S3', () => {
  it('given a page, when it is saved, then it lies under the key derived from the user and the link, compressed, with its content type and fetch time', async () => {
    const link = aLinkRef();

    const key = await store.save(link, aPage('2026-11-23T18:00:05.123Z'), undefined);

    expect(key).toBe(`${snapshotPrefix(link)}20261123T180005123Z.html.gz`);
    expect(key).toMatch(new RegExp(`^snapshots/${link.username}/[A-Za-z0-9_-]{43}/`));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head).toMatchObject({
      ContentType: 'text/html; charset=utf-8',
      ContentEncoding: 'gzip',
      ContentDisposition: 'attachment; filename="snapshot-20261123T180005123Z.html"',
      Metadata: expect.objectContaining({ 'fetched-at': '2026-11-23T18:00:05.123Z', 'http-status': '200' }),
    });
    expect(head.ContentLength).toBeLessThan(Buffer.byteLength(HTML));
  });

  it('given two snapshots, then the latest is the newest, and the same URL written differently finds it', async () => {
    const link = aLinkRef();
    await store.save(link, aPage('2026-11-23T18:00:00.000Z'), undefined);
    const newest = await store.save(link, aPage('2026-11-24T09:30:00.000Z'), undefined);

    expect(await store.latest(link)).toBe(newest);
    expect(await store.latest({ ...link, url: 'HTTPS://GO.DEV/#top' })).toBe(newest);
    expect(await store.latest({ ...link, url: 'https://go.dev/other' })).toBeUndefined();
  });

  it('given a snapshot, when its presigned URL is fetched from the emulator, then the page comes back as it was, as a download', async () => {
    const link = aLinkRef();
    const key = await store.save(link, aPage('2026-11-23T18:00:00.000Z'), undefined);

    const url = await store.downloadUrl(key, 300);
    const response = await fetch(url);

    expect(url).toContain(inject('queuesEndpoint'));
    expect(url).toMatch(/X-Amz-Expires=300/);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="snapshot-20261123T180000000Z.html"',
    );
    expect(await response.text()).toBe(HTML);
  });

  it('given four snapshots, when pruned to two, then the two newest remain', async () => {
    const link = aLinkRef();
    const keys = [];
    for (const day of ['20', '21', '22', '23'])
      keys.push(await store.save(link, aPage(`2026-11-${day}T18:00:00.000Z`), undefined));

    await store.prune(link, 2);

    const { Contents = [] } = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: snapshotPrefix(link) }),
    );
    expect(Contents.map((object) => object.Key).sort()).toEqual(keys.slice(2));
  });

  it("given a link's snapshots, when they are all removed, then none is left, and another link's are untouched", async () => {
    const link = aLinkRef();
    const other = aLinkRef();
    await store.save(link, aPage('2026-11-23T18:00:00.000Z'), undefined);
    await store.save(link, aPage('2026-11-23T19:00:00.000Z'), undefined);
    const kept = await store.save(other, aPage('2026-11-23T18:00:00.000Z'), undefined);

    expect(await store.removeAll(link)).toBe(2);

    expect(await store.latest(link)).toBeUndefined();
    expect(await store.latest(other)).toBe(kept);
    expect(await store.removeAll(link)).toBe(0);
  });
});
