import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../local/engines.ts';
import type { Runtime } from '../../local/runtime.ts';
import { snapshotPrefix } from '../../shared/checker/snapshots.ts';
import { DynamoLinkStore } from '../../shared/links/store.ts';
import { buckets } from '../../shared/wiring.ts';
import { ApiClient, RawApiClient, startTestRuntime } from '../support/runtime.ts';
import { onlyLoopback, TestSite } from '../support/test-site.ts';
import type { LinkBody, LinkEnvelope, LinkListing } from './helpers.ts';
import { eventually } from '../support/eventually.ts';

/**
 * The link checker end to end on the local runtime: links added through the API, checked through the pollers
 * (links stream -> link-check queue -> checker), pages served by a test site on 127.0.0.1, snapshots in the
 * emulator's S3. The loopback site is reachable only because this file's runtime admits 127.0.0.1 through the
 * test-only allowlist; the runtime also refuses every other address (LINK_CHECKER_ALLOWLIST_ONLY), and a safety
 * net fails any connection off loopback.
 */
Object.assign(process.env, {
  LINK_CHECKS_ENABLED: 'true',
  LINK_CHECKER_ALLOW_HOSTS: '127.0.0.1',
  LINK_CHECKER_CONNECT_TIMEOUT_MS: '500',
  LINK_CHECKER_TOTAL_TIMEOUT_MS: '800',
  LINK_CHECKER_RETRY_BASE_MS: '50',
  LINK_CHECKER_ATTEMPTS: '3',
});

const HOME =
  '<html><head><title>  Delinkcious &amp; the Test Home </title></head><body><p>Hello</p></body></html>';

let runtime: Runtime;
let site: TestSite;
let restoreNetwork: () => void;
let alice: RawApiClient;
let s3: S3Client;

beforeAll(async () => {
  restoreNetwork = onlyLoopback();
  site = await TestSite.start();
  site.page('/home', HOME);
  runtime = await startTestRuntime();
  alice = await RawApiClient.loggedInRaw(runtime.url, 'alice');
  s3 = new S3Client({ ...LOCAL_AWS, endpoint: runtime.queuesEndpoint, forcePathStyle: true });
});
afterAll(async () => {
  s3?.destroy();
  await runtime?.stop();
  await site?.stop();
  restoreNetwork?.();
});

async function linkOf(client: ApiClient, url: string): Promise<LinkBody | undefined> {
  const listing = await client.get<LinkListing>('/v1/links?limit=100');
  return listing.body.links.find((link) => link.url === url);
}

const checkedAfter = (previous: string | null) => (link: LinkBody | undefined) =>
  Boolean(link?.checked_at) && (previous === null || link!.checked_at! > previous);

async function add(url: string, title = ''): Promise<LinkBody> {
  const added = await alice.post<LinkEnvelope>('/v1/links', { url, title });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  return added.body.link;
}

/** Fires the daily re-check by hand, for every link checked before now. */
async function recheckNow(): Promise<void> {
  const fired = await alice.post<{ queued: number }>('/dev/recheck', { stale_after_seconds: 0 });
  expect(fired.status).toBe(200);
  expect(fired.body.queued).toBeGreaterThan(0);
}

async function snapshotKeys(url: string): Promise<string[]> {
  const { Contents = [] } = await s3.send(
    new ListObjectsV2Command({
      Bucket: process.env[buckets.snapshots.envVar]!,
      Prefix: snapshotPrefix({ username: 'alice', url }),
    }),
  );
  return Contents.map((object) => object.Key!);
}

describe('the link checker on the local runtime', () => {
  it("the original's smoke test: add a link, see pending, then valid with a title and a snapshot soon after", async () => {
    const url = site.url('/home');

    const added = await add(url);
    expect(added).toMatchObject({ status: 'pending', http_status: null, checked_at: null, title: '' });

    const checked = await eventually(() => linkOf(alice, url), checkedAfter(null));
    expect(checked).toMatchObject({
      status: 'valid',
      http_status: 200,
      title: 'Delinkcious & the Test Home',
      updated_at: added.updated_at,
    });

    const snapshot = await alice.raw('GET', `/v1/links/snapshot?url=${encodeURIComponent(url)}`);
    expect(snapshot.status).toBe(302);
    expect(snapshot.headers.get('location')).toMatch(/X-Amz-Expires=300/);
    const download = await fetch(snapshot.headers.get('location')!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/html; charset=utf-8');
    // Served inert: a browser saves the page instead of rendering it on the emulator's localhost origin.
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename="snapshot-\w+\.html"$/,
    );
    expect(await download.text()).toBe(HOME);

    const asJson = await alice.raw('GET', `/v1/links/snapshot?url=${encodeURIComponent(url)}`, {
      headers: { accept: 'application/json' },
    });
    expect(asJson.status).toBe(200);
    expect(asJson.body).toEqual({
      download_url: expect.stringMatching(/X-Amz-Expires=300/),
      expires_in_seconds: 300,
    });
  });

  it("the original's status test: pending -> valid -> valid again -> invalid", async () => {
    site.page('/flip', '<title>Flip</title>');
    const url = site.url('/flip');
    const statuses = [(await add(url, 'Flip')).status];

    const first = await eventually(() => linkOf(alice, url), checkedAfter(null));
    statuses.push(first!.status);
    await recheckNow();
    const again = await eventually(() => linkOf(alice, url), checkedAfter(first!.checked_at));
    statuses.push(again!.status);
    site.status('/flip', 404);
    await recheckNow();
    const last = await eventually(() => linkOf(alice, url), checkedAfter(again!.checked_at));
    statuses.push(last!.status);

    expect(statuses).toEqual(['pending', 'valid', 'valid', 'invalid']);
    expect(last).toMatchObject({ http_status: 404, title: 'Flip' });
    // The first check is a GET (it takes the snapshot); re-checks are HEAD.
    expect(site.seen('/flip').map((r) => r.method)).toEqual(['GET', 'HEAD', 'HEAD']);
  });

  it('given a page that answers 404, then the link is invalid with http_status 404', async () => {
    const url = site.url('/missing');

    await add(url, 'Missing');

    expect(await eventually(() => linkOf(alice, url), checkedAfter(null))).toMatchObject({
      status: 'invalid',
      http_status: 404,
    });
    expect((await alice.raw('GET', `/v1/links/snapshot?url=${encodeURIComponent(url)}`)).status).toBe(404);
  });

  it('given a site whose HEAD answers 405, then a re-check is valid through GET', async () => {
    site.on('/no-head', (request, response) => {
      if (request.method === 'HEAD') {
        response.writeHead(405, { allow: 'GET' });
        response.end();
      } else {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<title>No HEAD here</title>');
      }
    });
    const url = site.url('/no-head');
    await add(url);
    const first = await eventually(() => linkOf(alice, url), checkedAfter(null));

    await recheckNow();

    const again = await eventually(() => linkOf(alice, url), checkedAfter(first!.checked_at));
    expect(again).toMatchObject({ status: 'valid', http_status: 200, title: 'No HEAD here' });
    expect(site.seen('/no-head').map((r) => r.method)).toEqual(['GET', 'HEAD', 'GET']);
  });

  it('given a server that never answers, then the check times out, is retried, and the link is invalid', async () => {
    site.hang('/hang');
    const url = site.url('/hang');

    await add(url, 'Hangs');

    const checked = await eventually(() => linkOf(alice, url), checkedAfter(null));
    expect(checked).toMatchObject({ status: 'invalid', http_status: null });
    expect(site.seen('/hang')).toHaveLength(3);
  });

  it('given a link to the instance metadata service, then it is invalid and nothing is fetched', async () => {
    const url = 'http://169.254.169.254/latest/meta-data/';
    const before = site.requests.length;

    await add(url, 'Metadata');

    expect(await eventually(() => linkOf(alice, url), checkedAfter(null))).toMatchObject({
      status: 'invalid',
      http_status: null,
    });
    expect(site.requests.length).toBe(before);
  });

  it('given a public URL, then this test runtime refuses it without even a DNS lookup: no test leaves the machine', async () => {
    const url = 'https://golang.org/';

    await add(url, 'Golang');

    expect(await eventually(() => linkOf(alice, url), checkedAfter(null))).toMatchObject({
      status: 'invalid',
    });
    expect(await new DynamoLinkStore(runtime.tableNames.links).get('alice', url)).toMatchObject({
      check_reason: 'refused: golang.org: only allowlisted addresses may be fetched here',
    });
  });

  it('given a checked link, when only its title is edited, then it is not checked again', async () => {
    const url = site.url('/home');
    const before = await linkOf(alice, url);
    const fetches = site.seen('/home').length;

    const edited = await alice.put<LinkEnvelope>('/v1/links', { url, title: 'My title' });
    expect(edited.body.link).toMatchObject({
      title: 'My title',
      status: 'valid',
      checked_at: before!.checked_at,
    });
    await new Promise((done) => setTimeout(done, 3000));

    expect(site.seen('/home')).toHaveLength(fetches);
    expect(await linkOf(alice, url)).toMatchObject({ title: 'My title', checked_at: before!.checked_at });
  });

  it('given a link with a snapshot, when it is deleted, then its snapshot goes too', async () => {
    const url = site.url('/home');
    expect(await snapshotKeys(url)).toHaveLength(1);

    expect((await alice.delete(`/v1/links?url=${encodeURIComponent(url)}`)).status).toBe(204);

    expect(
      await eventually(
        () => snapshotKeys(url),
        (keys) => keys.length === 0,
      ),
    ).toEqual([]);
    expect((await alice.raw('GET', `/v1/links/snapshot?url=${encodeURIComponent(url)}`)).status).toBe(404);
  });
});
