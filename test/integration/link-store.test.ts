import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DynamoLinkCounts } from '../../shared/links/counts.ts';
import { LinkVisibilityForNews } from '../../shared/links/visibility-for-news.ts';
import { DynamoLinkStore } from '../../shared/links/store.ts';
import { countersKey } from '../../shared/links/table.ts';
import type { Link } from '../../shared/links/model.ts';
import { aLink } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/tables.ts';

let tables: TestTables;
let store: DynamoLinkStore;
let userCount = 0;

/** Each test works in a user partition of its own, so tests never see each other's links or counters. */
function freshUser(): string {
  userCount += 1;
  return `user${userCount}`;
}

async function linksCount(username: string): Promise<number | undefined> {
  const { Item } = await tables.db.send(
    new GetCommand({ TableName: tables.names.links, Key: countersKey(username), ConsistentRead: true }),
  );
  return Item?.links_count as number | undefined;
}

/** Distinct links one millisecond apart, the first the oldest. */
function linksOf(username: string, count: number, start = Date.parse('2026-11-23T18:00:00.000Z')): Link[] {
  return Array.from({ length: count }, (_, i) =>
    aLink({
      username,
      url: `https://example.com/${i}`,
      title: `Link ${i}`,
      created_at: new Date(start + i).toISOString(),
    }),
  );
}

beforeAll(async () => {
  tables = await createTestTables(inject('dynamoDbEndpoint'), 'links');
  store = new DynamoLinkStore(tables.names.links, tables.db);
});
afterAll(() => tables?.destroy());

describe('DynamoLinkStore insert and get', () => {
  it('given an empty store, when a link is inserted, then get returns it field for field and the counter is 1', async () => {
    const username = freshUser();
    const link = aLink({
      username,
      url: 'https://golang.org/doc/',
      title: 'Docs',
      description: 'The Go documentation',
      tags: ['go', 'programming'],
      private: true,
    });

    const result = await store.insert(link, 10);

    expect(result).toEqual({ inserted: true });
    expect(await store.get(username, 'https://golang.org/doc/')).toEqual(link);
    expect(await linksCount(username)).toBe(1);
  });

  it('given a stored link, when the same URL in another spelling is inserted, then it is a duplicate carrying the existing link', async () => {
    const username = freshUser();
    const existing = aLink({ username, url: 'https://golang.org/', title: 'First' });
    await store.insert(existing, 10);

    const result = await store.insert(
      aLink({ username, url: 'HTTPS://GOLANG.org:443/#frag', title: 'Second' }),
      10,
    );

    expect(result).toEqual({ inserted: false, reason: 'duplicate', existing });
    expect(await store.get(username, 'https://golang.org/')).toEqual(existing);
    expect(await linksCount(username)).toBe(1);
  });

  it('given a link of one user, when another user inserts the same URL, then both have their own link', async () => {
    const alice = freshUser();
    const bob = freshUser();
    await store.insert(aLink({ username: alice }), 10);

    const result = await store.insert(aLink({ username: bob }), 10);

    expect(result).toEqual({ inserted: true });
    expect((await store.get(bob, 'https://golang.org/'))?.username).toBe(bob);
  });

  it('given 20 concurrent inserts of the same URL, then exactly one is inserted, 19 are duplicates and the counter is 1', async () => {
    const username = freshUser();
    const attempts = Array.from({ length: 20 }, (_, i) =>
      aLink({ username, url: 'https://golang.org/', title: `Attempt ${i}` }),
    );

    const results = await Promise.all(attempts.map((link) => store.insert(link, 100)));

    const inserted = results.filter((r) => r.inserted);
    const duplicates = results.filter((r) => !r.inserted && r.reason === 'duplicate');
    expect(inserted).toHaveLength(1);
    expect(duplicates).toHaveLength(19);
    const stored = await store.get(username, 'https://golang.org/');
    const winner = attempts[results.findIndex((r) => r.inserted)];
    expect(stored).toEqual(winner);
    for (const duplicate of duplicates) {
      expect(duplicate).toMatchObject({ existing: winner });
    }
    expect(await linksCount(username)).toBe(1);
  });

  it('given 20 URLs inserted concurrently against a limit of 5, then exactly 5 are inserted, 15 hit the limit and the counter is 5', async () => {
    const username = freshUser();
    const links = linksOf(username, 20);

    const results = await Promise.all(links.map((link) => store.insert(link, 5)));

    expect(results.filter((r) => r.inserted)).toHaveLength(5);
    expect(results.filter((r) => !r.inserted && r.reason === 'limit')).toHaveLength(15);
    expect(await linksCount(username)).toBe(5);
    const stored = await store.listNewestFirst(username, undefined, 100);
    expect(stored.links).toHaveLength(5);
  });

  it('given a user at the limit, when one link is deleted, then exactly one more insert fits', async () => {
    const username = freshUser();
    const [first, ...rest] = linksOf(username, 3);
    for (const link of [first!, ...rest]) await store.insert(link, 3);
    expect(await store.insert(aLink({ username, url: 'https://example.com/late' }), 3)).toEqual({
      inserted: false,
      reason: 'limit',
    });

    expect(await store.delete(username, first!.url)).toBe(true);

    expect(await linksCount(username)).toBe(2);
    expect(await store.insert(aLink({ username, url: 'https://example.com/late' }), 3)).toEqual({
      inserted: true,
    });
    expect(await store.insert(aLink({ username, url: 'https://example.com/later' }), 3)).toEqual({
      inserted: false,
      reason: 'limit',
    });
    expect(await linksCount(username)).toBe(3);
  });

  it('given a URL of 2,048 characters, when it is inserted, then it is stored and read back whole', async () => {
    const username = freshUser();
    const base = 'https://example.com/';
    const url = `${base}${'a'.repeat(2048 - base.length)}`;
    expect(url).toHaveLength(2048);

    expect(await store.insert(aLink({ username, url }), 10)).toEqual({ inserted: true });

    expect((await store.get(username, url))?.url).toBe(url);
    const listed = await store.listNewestFirst(username, undefined, 10);
    expect(listed.links.map((l) => l.url)).toEqual([url]);
    expect(await store.delete(username, url)).toBe(true);
    expect(await store.get(username, url)).toBeUndefined();
  });
});

describe('DynamoLinkStore replace', () => {
  it('given a link at version 1, when it is replaced expecting version 1, then the new fields are stored', async () => {
    const username = freshUser();
    const original = aLink({ username });
    await store.insert(original, 10);
    const changed = { ...original, title: 'Changed', version: 2, updated_at: '2026-11-23T18:00:01.000Z' };

    expect(await store.replace(changed, original)).toBe(true);

    expect(await store.get(username, original.url)).toEqual(changed);
  });

  it('given a link that moved on to version 2, when it is replaced expecting version 1, then it fails and the item is unchanged', async () => {
    const username = freshUser();
    const original = aLink({ username });
    await store.insert(original, 10);
    const current = { ...original, title: 'Current', version: 2 };
    await store.replace(current, original);

    const stale = { ...original, title: 'Stale', version: 2 };
    expect(await store.replace(stale, original)).toBe(false);

    expect(await store.get(username, original.url)).toEqual(current);
  });

  it('given no link, when one is replaced, then it fails and nothing is created', async () => {
    const username = freshUser();

    expect(await store.replace(aLink({ username, version: 2 }), aLink({ username, version: 1 }))).toBe(false);

    expect(await store.get(username, 'https://golang.org/')).toBeUndefined();
  });
});

describe('DynamoLinkStore public links counter', () => {
  const counts = (username: string) =>
    new DynamoLinkCounts(tables.names.links, tables.db).linksCount(username);

  it('given 2 public links and 1 private, when one is made private, another public, and one deleted, then the public counter follows each step', async () => {
    const username = freshUser();
    const [one, two, secret] = linksOf(username, 3);
    await store.insert(one!, 10);
    await store.insert(two!, 10);
    await store.insert({ ...secret!, private: true }, 10);
    expect(await counts(username)).toEqual({ all: 3, public: 2 });

    const onePrivate = { ...one!, private: true, version: 2 };
    expect(await store.replace(onePrivate, one!)).toBe(true);
    expect(await counts(username)).toEqual({ all: 3, public: 1 });

    expect(
      await store.replace({ ...secret!, private: false, version: 2 }, { ...secret!, private: true }),
    ).toBe(true);
    expect(await counts(username)).toEqual({ all: 3, public: 2 });

    expect(await store.delete(username, onePrivate.url)).toBe(true);
    expect(await store.delete(username, two!.url)).toBe(true);
    expect(await counts(username)).toEqual({ all: 1, public: 1 });
  });

  it('given public links, when flips and deletes race on them, then the counters equal what is stored', async () => {
    const username = freshUser();
    const links = linksOf(username, 6);
    for (const link of links) await store.insert(link, 10);

    await Promise.all(
      links.flatMap((link, i) => [
        store.replace({ ...link, private: true, version: 2 }, link),
        ...(i % 2 === 0 ? [store.delete(username, link.url)] : []),
      ]),
    );

    const stored = (await store.listNewestFirst(username, undefined, 100)).links;
    expect(await counts(username)).toEqual({
      all: stored.length,
      public: stored.filter((link) => !link.private).length,
    });
  });
});

describe('DynamoLinkStore delete', () => {
  it('given a stored link, when it is deleted, then it is gone and the counter drops to 0', async () => {
    const username = freshUser();
    await store.insert(aLink({ username }), 10);

    expect(await store.delete(username, 'HTTPS://golang.org:443/#x')).toBe(true);

    expect(await store.get(username, 'https://golang.org/')).toBeUndefined();
    expect(await linksCount(username)).toBe(0);
  });

  it('given a user with two links, when a missing link is deleted, then it returns false and the counter stays 2', async () => {
    const username = freshUser();
    for (const link of linksOf(username, 2)) await store.insert(link, 10);

    expect(await store.delete(username, 'https://example.com/missing')).toBe(false);

    expect(await linksCount(username)).toBe(2);
  });

  it('given one link, when it is deleted 10 times concurrently, then exactly one delete succeeds and the counter drops once', async () => {
    const username = freshUser();
    for (const link of linksOf(username, 2)) await store.insert(link, 10);

    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.delete(username, 'https://example.com/0')),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await linksCount(username)).toBe(1);
  });

  it('given a user at the limit, when deletes and inserts race, then the counter equals the number of stored links and never exceeds the limit', async () => {
    const username = freshUser();
    const existing = linksOf(username, 5);
    for (const link of existing) await store.insert(link, 5);
    const newcomers = linksOf(username, 8, Date.parse('2026-11-24T18:00:00.000Z')).map((link, i) => ({
      ...link,
      url: `https://new.example/${i}`,
    }));

    const [deleted, inserted] = await Promise.all([
      Promise.all(existing.slice(0, 3).map((link) => store.delete(username, link.url))),
      Promise.all(newcomers.map((link) => store.insert(link, 5))),
    ]);

    expect(deleted).toEqual([true, true, true]);
    const stored = await store.listNewestFirst(username, undefined, 100);
    expect(await linksCount(username)).toBe(stored.links.length);
    expect(stored.links.length).toBe(2 + inserted.filter((r) => r.inserted).length);
    expect(stored.links.length).toBeLessThanOrEqual(5);
  });
});

describe('DynamoLinkStore listNewestFirst', () => {
  it('given 25 links, when paged by 10 from the position of the last link, then pages are 10, 10, 5, newest first, with no link twice', async () => {
    const username = freshUser();
    const links = linksOf(username, 25);
    // Inserted in shuffled order: the listing orders by creation time, not by insertion.
    for (const link of [...links].sort((a, b) => a.url.localeCompare(b.url))) {
      await store.insert(link, 100);
    }

    const pages: { urls: string[]; hasMore: boolean }[] = [];
    let after: Link | undefined;
    for (let i = 0; i < 3; i++) {
      const page = await store.listNewestFirst(username, after, 10);
      pages.push({ urls: page.links.map((l) => l.url), hasMore: page.hasMore });
      after = page.links.at(-1);
    }

    const newestFirst = links.map((l) => l.url).reverse();
    expect(pages).toEqual([
      { urls: newestFirst.slice(0, 10), hasMore: true },
      { urls: newestFirst.slice(10, 20), hasMore: true },
      { urls: newestFirst.slice(20), hasMore: false },
    ]);
  });

  it('given links created in the same millisecond, when paged by 1, then each comes exactly once', async () => {
    const username = freshUser();
    const at = '2026-11-23T18:00:00.000Z';
    const urls = ['https://a.example/', 'https://b.example/', 'https://c.example/'];
    for (const url of urls) await store.insert(aLink({ username, url, created_at: at }), 10);

    const seen: string[] = [];
    let after: Link | undefined;
    for (;;) {
      const page = await store.listNewestFirst(username, after, 1);
      seen.push(...page.links.map((l) => l.url));
      after = page.links.at(-1);
      if (!page.hasMore || !after) break;
    }

    expect([...seen].sort()).toEqual(urls);
  });

  it('given a user with links, when another user lists, then they see none of them', async () => {
    const owner = freshUser();
    await store.insert(aLink({ username: owner }), 10);

    const page = await store.listNewestFirst(freshUser(), undefined, 10);

    expect(page).toEqual({ links: [], hasMore: false });
  });
});

describe('DynamoLinkStore tagsOfAllLinks', () => {
  it('given links with tags and a counters item, then it yields the tags of every link and nothing for the counters', async () => {
    const username = freshUser();
    await store.insert(aLink({ username, url: 'https://a.example/', tags: ['go', 'k8s'] }), 10);
    await store.insert(aLink({ username, url: 'https://b.example/', tags: ['go'] }), 10);
    await store.insert(aLink({ username, url: 'https://c.example/', tags: [] }), 10);
    expect(await linksCount(username)).toBe(3);

    const yielded: string[][] = [];
    for await (const tags of store.tagsOfAllLinks(username)) yielded.push(tags);

    expect(yielded).toHaveLength(3);
    expect(yielded.map((tags) => tags.join(',')).sort()).toEqual(['', 'go', 'go,k8s']);
  });

  it('given more links than fit one query page, then it yields the tags of all of them', async () => {
    const username = freshUser();
    // Items of ~180 KB make each 1 MB query page hold only a few links.
    const description = 'x'.repeat(180_000);
    for (let i = 0; i < 8; i++) {
      await tables.db.send(
        new PutCommand({
          TableName: tables.names.links,
          Item: {
            pk: `USER#${username}`,
            sk: `LINK#big${i}`,
            created: `2026-11-23T18:00:00.00${i}Z#big${i}`,
            username,
            url: `https://big.example/${i}`,
            description,
            tags: [`t${i}`],
          },
        }),
      );
    }

    const firstPage = await tables.db.send(
      new QueryCommand({
        TableName: tables.names.links,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `USER#${username}` },
      }),
    );
    expect(firstPage.LastEvaluatedKey).toBeDefined(); // the premise: one query page does not hold them all

    const yielded: string[] = [];
    for await (const tags of store.tagsOfAllLinks(username)) yielded.push(...tags);

    expect(yielded.sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7']);
  });
});

describe('LinkVisibilityForNews.publicOf on DynamoDB Local', () => {
  it('given a public link, a private one and one deleted, when asked in two spellings each, then only the public one, in both', async () => {
    const username = freshUser();
    const [shown, hidden, gone] = linksOf(username, 3);
    await store.insert(shown!, 10);
    await store.insert({ ...hidden!, private: true }, 10);
    await store.insert(gone!, 10);
    await store.delete(username, gone!.url);
    const visibility = new LinkVisibilityForNews(tables.names.links, tables.db);

    const asked = [shown!, hidden!, gone!].flatMap((link) => [
      { author: username, url: link.url },
      { author: username, url: link.url.replace('https://example.com', 'HTTPS://EXAMPLE.COM:443') },
    ]);
    const answered = await visibility.publicOf(asked);

    expect(answered).toEqual(asked.slice(0, 2));
  });
});
