import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke } from '../../local/functions.ts';
import { parseCheckMessage } from '../../shared/checker/model.ts';
import { S3SnapshotStore } from '../../shared/checker/s3.ts';
import { DynamoLinkStore } from '../../shared/links/store.ts';
import { aLink, anApiEvent } from '../support/builders.ts';
import { useDrivenRuntime } from '../support/pipeline.ts';
import { recordS3Requests } from '../support/s3-requests.ts';
import { onlyLoopback, TestSite } from '../support/test-site.ts';

/**
 * The link checker's pipeline on the real engines, driven by hand instead of by the pollers: the real stream
 * records of real writes go through enqueueLinkChecks, the real queue message through checkLink, which fetches
 * a page from a server on 127.0.0.1 (admitted by the test-only allowlist) and keeps its snapshot in the
 * emulator's S3.
 */
process.env.LINK_CHECKS_ENABLED = 'true';
process.env.LINK_CHECKER_ALLOW_HOSTS = '127.0.0.1';

const driven = useDrivenRuntime();

let site: TestSite;
let restoreNetwork: () => void;
let links: DynamoLinkStore;
let snapshots: S3SnapshotStore;

beforeAll(async () => {
  restoreNetwork = onlyLoopback();
  site = await TestSite.start();
  site.page('/go', '<html><head><title>Go &amp; Friends</title></head><body>Go</body></html>');
  links = new DynamoLinkStore(driven.runtime.tableNames.links);
  snapshots = new S3SnapshotStore();
});
afterAll(async () => {
  await site?.stop();
  restoreNetwork?.();
});

/** The links stream's records of link items (not the counters). */
async function streamRecords() {
  const records = await driven.probe.streamRecords(driven.runtime.tableNames.links);
  return records.filter((r) => String(r.dynamodb?.Keys?.sk?.S).startsWith('LINK#'));
}

const drainChecks = () => driven.probe.drain(driven.runtime.queueUrls.linkChecks);

const NO_FAILURES = { batchItemFailures: [] };

async function snapshotAnswer(username: string, url: string) {
  const { sessions } = await import('../../shared/users/service.ts');
  const { accessToken } = await sessions().devLogin(username);
  return (await invoke(
    'getSnapshot',
    anApiEvent({ path: '/v1/links/snapshot', query: { url }, token: accessToken }),
  )) as { statusCode: number; headers: Record<string, string> };
}

describe('the link checker pipeline on DynamoDB Local and the SQS/S3 emulator', () => {
  const url = () => site.url('/go');

  it('given a new link with no title, when its stream record and queue message are handled, then it is valid, titled, and has a snapshot', async () => {
    await links.insert(
      aLink({ username: 'bob', url: url(), title: '', created_at: new Date().toISOString() }),
      10,
    );

    const inserts = (await streamRecords()).filter((r) => r.eventName === 'INSERT');
    expect(await invoke('enqueueLinkChecks', { Records: inserts })).toEqual(NO_FAILURES);
    const messages = await drainChecks();
    expect(messages).toHaveLength(1);
    expect(parseCheckMessage(messages[0]!.body)).toMatchObject({
      username: 'bob',
      url: url(),
      cause: 'added',
    });

    const s3 = recordS3Requests();
    try {
      expect(await invoke('checkLink', { Records: messages })).toEqual(NO_FAILURES);
    } finally {
      s3.stop();
    }

    // The snapshot and its page text; a first check has no older snapshot to list and prune.
    expect(s3.requests.map((request) => request.command)).toEqual(['PutObject', 'PutObject']);
    expect(await links.get('bob', url())).toMatchObject({
      status: 'valid',
      http_status: 200,
      title: 'Go & Friends',
      check_reason: 'HTTP 200',
      checked_at: expect.any(String),
    });
    expect(site.seen('/go').map((r) => r.method)).toEqual(['GET']);
    expect(await snapshots.latest({ username: 'bob', url: url() })).toEqual(expect.any(String));

    // The same message again (SQS delivers at least once): skipped, no second fetch.
    expect(await invoke('checkLink', { Records: messages })).toEqual(NO_FAILURES);
    expect(site.seen('/go')).toHaveLength(1);
  });

  it("given the checker's own write on the stream, when enqueueLinkChecks sees it, then no new check is queued", async () => {
    const modifies = (await streamRecords()).filter((r) => r.eventName === 'MODIFY');
    expect(modifies.length).toBeGreaterThan(0);

    expect(await invoke('enqueueLinkChecks', { Records: modifies })).toEqual(NO_FAILURES);

    expect(await drainChecks()).toEqual([]);
  });

  it('given the snapshot, when the owner asks for it, then a 302 to a presigned URL that serves the page', async () => {
    const answer = await snapshotAnswer('bob', url());

    expect(answer.statusCode).toBe(302);
    const download = await fetch(answer.headers.location!);
    expect(download.status).toBe(200);
    expect(await download.text()).toContain('<title>Go &amp; Friends</title>');
    expect((await snapshotAnswer('someone-else', url())).statusCode).toBe(404);
  });

  it('given the link is deleted, when the REMOVE record is handled, then its snapshots are deleted and the route answers 404', async () => {
    await links.delete('bob', url());

    const removes = (await streamRecords()).filter((r) => r.eventName === 'REMOVE');
    expect(await invoke('enqueueLinkChecks', { Records: removes })).toEqual(NO_FAILURES);

    expect(await snapshots.latest({ username: 'bob', url: url() })).toBeUndefined();
    expect((await snapshotAnswer('bob', url())).statusCode).toBe(404);
    expect(await drainChecks()).toEqual([]);
  });
});
