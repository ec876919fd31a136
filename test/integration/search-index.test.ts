import type { APIGatewayProxyStructuredResultV2, DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { invoke } from '../../local/functions.ts';
import { extractText } from '../../shared/checker/page-text.ts';
import { decodePage } from '../../shared/checker/title.ts';
import { S3SnapshotStore } from '../../shared/checker/s3.ts';
import { pageTextKey } from '../../shared/checker/snapshots.ts';
import { LinksForChecker } from '../../shared/links/for-checker.ts';
import type { Link } from '../../shared/links/model.ts';
import { DynamoLinkStore } from '../../shared/links/store.ts';
import { PageTokens } from '../../shared/pagination.ts';
import { LinkSearch, REBUILD_RETRY_AFTER_SECONDS } from '../../shared/search/core.ts';
import { S3SearchIndexStore } from '../../shared/search/s3.ts';
import { linksForSearch, searchUpdates } from '../../shared/search/service.ts';
import { sessions } from '../../shared/users/service.ts';
import { aLink, anApiEvent } from '../support/builders.ts';
import { useDrivenRuntime } from '../support/pipeline.ts';
import { recordS3Requests } from '../support/s3-requests.ts';
import { putOlderSearchIndex } from '../support/search-index.ts';

/**
 * The search index kept up to date on the real engines, driven by hand: real writes of links, their real stream
 * records through the dispatcher (enqueueLinkChecks), the real FIFO messages through updateSearchIndex, and
 * searches through the real S3 store (with its conditional reads) and the consistent read of the links.
 */

const driven = useDrivenRuntime();

let links: DynamoLinkStore;
let search: LinkSearch;
const delivered = new Set<string>();

beforeAll(() => {
  links = new DynamoLinkStore(driven.runtime.tableNames.links);
  search = new LinkSearch(
    new S3SearchIndexStore(),
    linksForSearch(),
    new PageTokens(async () => Buffer.alloc(32, 5)),
    async () => true,
    searchUpdates(),
  );
});

/** Hands the stream's new link records to the dispatcher, then the search updates to the updater. */
async function deliver(): Promise<void> {
  const records = (await driven.probe.streamRecords(driven.runtime.tableNames.links)).filter(
    (record: DynamoDBRecord) =>
      String(record.dynamodb?.Keys?.sk?.S).startsWith('LINK#') && !delivered.has(record.eventID!),
  );
  records.forEach((record) => delivered.add(record.eventID!));
  expect(await invoke('enqueueLinkChecks', { Records: records })).toEqual({ batchItemFailures: [] });
  const messages = await driven.probe.drain(driven.runtime.queueUrls.searchUpdates);
  expect(await invoke('updateSearchIndex', { Records: messages })).toEqual({ batchItemFailures: [] });
}

async function found(username: string, q: string, publicOnly = false): Promise<string[]> {
  const page = await search.page(username, { q, publicOnly, filter: {}, limit: 50 });
  return page.links.map((link) => link.url);
}

/** Records a check of the link as the checker does: valid, HTTP 200. */
async function checkedValid(link: Link): Promise<void> {
  await new LinksForChecker(driven.runtime.tableNames.links).recordCheck(link.username, link.url, {
    status: 'valid',
    httpStatus: 200,
    checkedAt: '2026-11-23T18:05:01.000Z',
    reason: 'HTTP 200',
  });
}

async function added(link: Link): Promise<Link> {
  await links.insert(link, 1000);
  return link;
}

describe('the search index on DynamoDB Local and the S3 emulator', () => {
  it('given a link added, then edited, then deleted, when each change is delivered, then search follows it', async () => {
    const link = await added(aLink({ username: 'ivy', url: 'https://ivy.example/', title: 'ivy league' }));
    await deliver();
    expect(await found('ivy', 'league')).toEqual([link.url]);

    const edited = { ...link, title: 'ivy garden', version: 2, updated_at: '2026-11-23T19:00:00.000Z' };
    expect(await links.replace(edited, link)).toBe(true);
    await deliver();
    expect(await found('ivy', 'garden')).toEqual([link.url]);
    expect(await found('ivy', 'league')).toEqual([]);

    await links.delete('ivy', link.url);
    await deliver();
    expect(await found('ivy', 'garden')).toEqual([]);
  });

  it('given a link made private, when delivered, then the public search no longer finds it, the owner still does', async () => {
    const link = await added(aLink({ username: 'jon', url: 'https://jon.example/', title: 'jonquil' }));
    await deliver();
    expect(await found('jon', 'jonquil', true)).toEqual([link.url]);

    const { published_at: _, ...rest } = link;
    expect(await links.replace({ ...rest, private: true, version: 2 }, link)).toBe(true);
    // Before the index hears of it, the consistent read already keeps it off the public route.
    expect(await found('jon', 'jonquil', true)).toEqual([]);
    await deliver();
    expect(await found('jon', 'jonquil', true)).toEqual([]);
    expect(await found('jon', 'is:private jonquil')).toEqual([link.url]);
  });

  it('given a link whose page text arrives with its check, when delivered, then words of the page find it', async () => {
    const link = await added(aLink({ username: 'kim', url: 'https://kim.example/', title: 'kim' }));
    await deliver();
    expect(await found('kim', 'marmalade')).toEqual([]);

    const html = '<html><body><script>hidden()</script><p>Orange marmalade recipes</p></body></html>';
    const contentType = 'text/html; charset=utf-8';
    await new S3SnapshotStore().save(
      link,
      {
        url: link.url,
        httpStatus: 200,
        contentType,
        body: Buffer.from(html),
        truncated: false,
        fetchedAt: '2026-11-23T18:05:00.000Z',
      },
      extractText(decodePage(Buffer.from(html), contentType)),
    );
    await checkedValid(link);
    await deliver();

    expect(await found('kim', 'marmalade')).toEqual([link.url]);
    expect(await found('kim', 'hidden')).toEqual([]);
    expect(await found('kim', 'is:valid')).toEqual([link.url]);
  });

  it('given a link not checked yet, when delivered, then no page text is read from S3; once checked, its text is', async () => {
    const s3 = recordS3Requests();
    const textReads = () =>
      s3.requests.filter((request) => request.command === 'GetObject' && request.key.includes('/text/'));
    try {
      const link = await added(aLink({ username: 'mae', url: 'https://mae.example/', title: 'mae' }));
      await deliver();
      expect(textReads()).toEqual([]);

      await checkedValid(link);
      await deliver();

      expect(textReads().map((request) => request.key)).toEqual([pageTextKey(link)]);
      expect(await found('mae', 'is:valid')).toEqual([link.url]);
    } finally {
      s3.stop();
    }
  });

  it('given an index unchanged since the last search, when searched again, then the store answers 304', async () => {
    const link = await added(aLink({ username: 'lea', url: 'https://lea.example/', title: 'lea' }));
    await deliver();
    const store = new S3SearchIndexStore();
    const first = await store.load('lea');
    if (!first || first === 'outdated') throw new Error('an index of the current format was expected');

    expect(await store.loadIfChanged('lea', first.etag)).toBe('unchanged');
    expect(await found('lea', 'lea')).toEqual([link.url]);
  });

  it('given an index of an older format, when searched, then 503 and a rebuild request; once the updater has it, the links are found', async () => {
    const link = await added(
      aLink({ username: 'max', url: 'https://max.example/', title: 'maximal tomatoes' }),
    );
    await putOlderSearchIndex('max');
    const token = (await sessions().devLogin('max')).accessToken;

    const refused = await searchOverHttp(token, 'tomatoes');
    expect(refused.statusCode).toBe(503);
    expect(JSON.parse(String(refused.body))).toEqual({
      error: { code: 'unavailable', message: expect.stringContaining('rebuilt') },
    });
    expect(refused.headers?.['retry-after']).toBe(String(REBUILD_RETRY_AFTER_SECONDS));

    const requests = await driven.probe.drain(driven.runtime.queueUrls.searchUpdates);
    expect(requests.map((message) => JSON.parse(message.body))).toEqual([{ rebuild: 'max' }]);
    expect(await invoke('updateSearchIndex', { Records: requests })).toEqual({ batchItemFailures: [] });

    const answered = await searchOverHttp(token, 'tomatoes');
    expect(answered.statusCode).toBe(200);
    expect((JSON.parse(String(answered.body)) as { links: Link[] }).links.map((found) => found.url)).toEqual([
      link.url,
    ]);
    const rebuilt = await new S3SearchIndexStore().load('max');
    expect(rebuilt && rebuilt !== 'outdated' ? rebuilt.index.size : rebuilt).toBe(1);
  });
});

/** The owner's search through the listing's function, as API Gateway hands it a request. */
async function searchOverHttp(token: string, q: string): Promise<APIGatewayProxyStructuredResultV2> {
  return (await invoke(
    'listLinks',
    anApiEvent({ path: '/v1/links', query: { q }, token }),
  )) as APIGatewayProxyStructuredResultV2;
}
