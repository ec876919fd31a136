import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LinkService } from '../../shared/links/core.ts';
import type { LinkCheckRecord, LinkRef } from '../../shared/links/checks.ts';
import { LinksForChecker } from '../../shared/links/for-checker.ts';
import { DynamoLinkStore } from '../../shared/links/store.ts';
import { PageTokens } from '../../shared/pagination.ts';
import { aLink } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/tables.ts';

/** The link checker's writes and reads on the links table, against DynamoDB Local. */

let tables: TestTables;
let store: DynamoLinkStore;
let checker: LinksForChecker;

beforeAll(async () => {
  tables = await createTestTables(inject('dynamoDbEndpoint'), 'checker');
  store = new DynamoLinkStore(tables.names.links, tables.db);
  checker = new LinksForChecker(tables.names.links, tables.db);
});
afterAll(() => tables?.destroy());

const CREATED = '2026-11-23T18:00:00.000Z';
const check = (checkedAt: string, overrides: Partial<LinkCheckRecord> = {}) => ({
  status: 'valid' as const,
  httpStatus: 200,
  checkedAt,
  reason: 'HTTP 200',
  ...overrides,
});
let counter = 0;
async function aStoredLink(overrides: Parameters<typeof aLink>[0] = {}) {
  const link = aLink({
    username: `user${++counter}`,
    url: 'https://go.dev/',
    created_at: CREATED,
    ...overrides,
  });
  await store.insert(link, 100);
  return link;
}

describe('recording a check on a link', () => {
  it('given a pending link, when a check is recorded, then status, http_status, checked_at and the reason are written, and updated_at is not bumped', async () => {
    const link = await aStoredLink({ title: 'Go' });

    const result = await checker.recordCheck(link.username, link.url, check('2026-11-23T18:00:05.000Z'));

    expect(result).toEqual({ written: true, titleFilled: false });
    expect(await store.get(link.username, link.url)).toEqual({
      ...link,
      status: 'valid',
      http_status: 200,
      checked_at: '2026-11-23T18:00:05.000Z',
      check_reason: 'HTTP 200',
      version: 2,
    });
  });

  it('given a later check is recorded, when an earlier one arrives, then it is refused as superseded', async () => {
    const link = await aStoredLink();
    await checker.recordCheck(
      link.username,
      link.url,
      check('2026-11-23T18:00:09.000Z', { status: 'invalid', httpStatus: 404 }),
    );

    const result = await checker.recordCheck(link.username, link.url, check('2026-11-23T18:00:05.000Z'));

    expect(result).toEqual({ written: false, why: 'superseded' });
    expect(await store.get(link.username, link.url)).toMatchObject({ status: 'invalid', http_status: 404 });
  });

  it('given the same check twice, then the second is superseded (idempotent)', async () => {
    const link = await aStoredLink();
    await checker.recordCheck(link.username, link.url, check('2026-11-23T18:00:05.000Z'));

    expect(await checker.recordCheck(link.username, link.url, check('2026-11-23T18:00:05.000Z'))).toEqual({
      written: false,
      why: 'superseded',
    });
  });

  it('given the link was deleted, when its check is recorded, then it is not resurrected', async () => {
    const link = await aStoredLink();
    await store.delete(link.username, link.url);

    const result = await checker.recordCheck(link.username, link.url, check('2026-11-23T18:00:05.000Z'));

    expect(result).toEqual({ written: false, why: 'gone' });
    expect(await store.get(link.username, link.url)).toBeUndefined();
  });

  it('given an empty title, when a check brings one, then the title is filled', async () => {
    const link = await aStoredLink({ title: '' });

    const result = await checker.recordCheck(
      link.username,
      link.url,
      check('2026-11-23T18:00:05.000Z', { title: 'The Go Programming Language' }),
    );

    expect(result).toEqual({ written: true, titleFilled: true });
    expect(await store.get(link.username, link.url)).toMatchObject({
      title: 'The Go Programming Language',
      status: 'valid',
      updated_at: CREATED,
    });
  });

  it('given the user set a title meanwhile, when a check brings one, then the status is written and the title kept', async () => {
    const link = await aStoredLink({ title: 'Mine' });

    const result = await checker.recordCheck(
      link.username,
      link.url,
      check('2026-11-23T18:00:05.000Z', { title: 'Theirs' }),
    );

    expect(result).toEqual({ written: true, titleFilled: false });
    expect(await store.get(link.username, link.url)).toMatchObject({ title: 'Mine', status: 'valid' });
  });

  it('given an update read the link before a check landed, when the update writes, then it rereads and keeps the check', async () => {
    const link = await aStoredLink();
    const service = new LinkService(store, new PageTokens(async () => Buffer.alloc(32, 1)), 100);
    const stale = (await store.get(link.username, link.url))!;
    await checker.recordCheck(link.username, link.url, check('2026-11-23T18:00:05.000Z'));

    // The update's first write is conditional on the version it read: the check moved it on.
    expect(await store.replace({ ...stale, description: 'lost?', version: stale.version + 1 }, stale)).toBe(
      false,
    );
    const updated = await service.update(link.username, { url: link.url, description: 'kept' });

    expect(updated).toMatchObject({
      description: 'kept',
      status: 'valid',
      http_status: 200,
      check_reason: 'HTTP 200',
    });
    expect(await store.get(link.username, link.url)).toMatchObject({ description: 'kept', status: 'valid' });
  });
});

describe('finding links due for a check', () => {
  it('given links checked long ago, recently, never (old and new), and a counters item, then only the due links come back', async () => {
    const username = `scan${++counter}`;
    const at = (url: string, checkedAt: string | null, createdAt = CREATED) =>
      store.insert(aLink({ username, url, checked_at: checkedAt, created_at: createdAt }), 100);
    await at('https://old.example/', '2026-11-01T00:00:00.000Z');
    await at('https://recent.example/', '2026-11-23T00:00:00.000Z');
    await at('https://lost.example/', null, '2026-11-20T00:00:00.000Z');
    await at('https://new.example/', null, '2026-11-23T17:59:00.000Z');

    const found: LinkRef[] = [];
    for await (const page of checker.staleLinks({
      checkedBefore: '2026-11-16T18:00:00.000Z',
      uncheckedCreatedBefore: '2026-11-23T17:00:00.000Z',
    })) {
      found.push(...page.filter((link) => link.username === username));
    }

    expect(found.map((link) => link.url).sort()).toEqual(['https://lost.example/', 'https://old.example/']);
    expect(found.every((link) => link.username === username)).toBe(true);
  });
});
