import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LinkService, type NewLink } from '../../shared/links/core.ts';
import { DynamoLinkStore } from '../../shared/links/store.ts';
import { InvalidRequest, LinkLimitReached } from '../../shared/errors.ts';
import { snapshotPrefix } from '../../shared/checker/snapshots.ts';
import { DuplicateLink, urlSchema } from '../../shared/links/model.ts';
import { PageTokens } from '../../shared/pagination.ts';
import { aLink } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/tables.ts';

let tables: TestTables;
let service: LinkService;
let userCount = 0;
/** A clock that moves one millisecond per call, so that every added link has its own creation time. */
let clock = Date.parse('2026-11-23T18:00:00.000Z');

const MAX_LINKS = 50;

function freshUser(): string {
  userCount += 1;
  return `svc${userCount}`;
}

function aNewLink(overrides: Partial<NewLink> = {}): NewLink {
  return {
    url: 'https://golang.org/',
    title: 'Golang',
    description: '',
    tags: [],
    private: false,
    ...overrides,
  };
}

beforeAll(async () => {
  tables = await createTestTables(inject('dynamoDbEndpoint'), 'service');
  const key = randomBytes(32);
  service = new LinkService(
    new DynamoLinkStore(tables.names.links, tables.db),
    new PageTokens(async () => key),
    MAX_LINKS,
    () => new Date(clock++),
  );
});
afterAll(() => tables?.destroy());

describe('LinkService over DynamoDB: paging', () => {
  it('given 25 links, when listed with limit 10, then pages hold 10, 10 and 5 links, newest first, none twice, then next_token is null', async () => {
    const username = freshUser();
    const added: string[] = [];
    for (let i = 0; i < 25; i++) {
      added.push((await service.add(username, aNewLink({ url: `https://example.com/${i}` }))).url);
    }

    const pages: string[][] = [];
    const tokens: (string | null)[] = [];
    let startToken: string | undefined;
    do {
      const page = await service.list(username, { limit: 10, startToken });
      pages.push(page.links.map((l) => l.url));
      tokens.push(page.nextToken);
      startToken = page.nextToken ?? undefined;
    } while (startToken && pages.length < 5);

    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(tokens[0]).toEqual(expect.any(String));
    expect(tokens[1]).toEqual(expect.any(String));
    expect(tokens[2]).toBeNull();
    expect(pages.flat()).toEqual([...added].reverse());
    expect(new Set(pages.flat()).size).toBe(25);
  });

  it('given exactly 10 links, when listed with limit 10, then one full page comes with next_token null', async () => {
    const username = freshUser();
    for (let i = 0; i < 10; i++) await service.add(username, aNewLink({ url: `https://example.com/${i}` }));

    const page = await service.list(username, { limit: 10 });

    expect(page.links).toHaveLength(10);
    expect(page.nextToken).toBeNull();
  });

  it('given a token issued to one user, when another user presents it, then it is refused', async () => {
    const alice = freshUser();
    const bob = freshUser();
    for (let i = 0; i < 3; i++) await service.add(alice, aNewLink({ url: `https://example.com/${i}` }));
    const { nextToken } = await service.list(alice, { limit: 1 });
    expect(nextToken).toEqual(expect.any(String));

    await expect(service.list(bob, { limit: 1, startToken: nextToken! })).rejects.toBeInstanceOf(
      InvalidRequest,
    );
  });
});

describe('LinkService over DynamoDB: filters', () => {
  let username: string;

  beforeAll(async () => {
    username = freshUser();
    const links: NewLink[] = [
      aNewLink({ url: 'https://golang.org/doc/', title: 'Go docs', tags: ['go', 'docs'] }),
      aNewLink({ url: 'https://kubernetes.io/', title: 'Kubernetes', tags: ['k8s'] }),
      aNewLink({
        url: 'https://go.dev/blog/',
        title: 'The Go Blog',
        description: 'Posts about Go',
        tags: ['blog', 'go'],
      }),
      aNewLink({ url: 'http://example.com/golang-notes', title: 'Notes', tags: ['notes'] }),
    ];
    for (const link of links) await service.add(username, link);
  });

  it('given links on several hosts, when filtered by a URL regex, then only the matching links come, newest first', async () => {
    const page = await service.list(username, { limit: 10, urlRegex: '^https://go' });

    expect(page.links.map((l) => l.url)).toEqual(['https://go.dev/blog/', 'https://golang.org/doc/']);
    expect(page.nextToken).toBeNull();
  });

  it('given links with titles, when filtered by an unanchored title regex, then titles containing it match', async () => {
    const page = await service.list(username, { limit: 10, titleRegex: 'Go (docs|Blog)' });

    expect(page.links.map((l) => l.title)).toEqual(['The Go Blog', 'Go docs']);
  });

  it('given tagged links, when filtered by a tag in capitals, then exactly the links with that tag match', async () => {
    const page = await service.list(username, { limit: 10, tag: 'GO' });

    expect(page.links.map((l) => l.url)).toEqual(['https://go.dev/blog/', 'https://golang.org/doc/']);
  });

  it('given a tag filter and a regex together, then both must match', async () => {
    const page = await service.list(username, { limit: 10, tag: 'go', descriptionRegex: 'Posts' });

    expect(page.links.map((l) => l.url)).toEqual(['https://go.dev/blog/']);
  });

  it('given matching links, when filtered with limit 1, then the pages continue through the token until none is left', async () => {
    const first = await service.list(username, { limit: 1, tag: 'go' });
    const second = await service.list(username, { limit: 1, tag: 'go', startToken: first.nextToken! });

    expect(first.links.map((l) => l.url)).toEqual(['https://go.dev/blog/']);
    expect(second.links.map((l) => l.url)).toEqual(['https://golang.org/doc/']);
    expect(second.nextToken).toBeNull();
  });

  it('given a filter no link matches, then the page is empty with next_token null', async () => {
    expect(await service.list(username, { limit: 10, tag: 'rust' })).toEqual({ links: [], nextToken: null });
  });

  it('given tagged links, when tags are counted, then each tag comes with its number of links, most used first', async () => {
    expect(await service.tags(username)).toEqual([
      { name: 'go', count: 2 },
      { name: 'blog', count: 1 },
      { name: 'docs', count: 1 },
      { name: 'k8s', count: 1 },
      { name: 'notes', count: 1 },
    ]);
  });
});

describe('LinkService over DynamoDB: writes', () => {
  it('given a link, when the same URL is added in another spelling, then DuplicateLink carries the stored link', async () => {
    const username = freshUser();
    await service.add(username, aNewLink({ url: 'https://golang.org/', title: 'Original' }));

    const error = await service
      .add(username, aNewLink({ url: 'HTTPS://GOLANG.org:443/#frag', title: 'Copy' }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DuplicateLink);
    expect((error as DuplicateLink).link).toMatchObject({ url: 'https://golang.org/', title: 'Original' });
  });

  it('given a link, when it is updated, then the stored link has the changes, a new version and a later updated_at', async () => {
    const username = freshUser();
    const added = await service.add(username, aNewLink({ tags: ['go'] }));

    await service.update(username, { url: added.url, title: 'Go', addTags: ['lang'], removeTags: ['go'] });

    const [stored] = (await service.list(username, { limit: 10 })).links;
    expect(stored).toMatchObject({ title: 'Go', tags: ['lang'], version: 2 });
    expect(Date.parse(stored!.updated_at)).toBeGreaterThan(Date.parse(added.updated_at));
  });

  it('given a user at the limit, when another link is added, then LinkLimitReached', async () => {
    const username = freshUser();
    for (let i = 0; i < MAX_LINKS; i++) {
      await service.add(username, aNewLink({ url: `https://example.com/${i}` }));
    }

    await expect(
      service.add(username, aNewLink({ url: 'https://example.com/one-more' })),
    ).rejects.toBeInstanceOf(LinkLimitReached);
  });
});

describe('LinkService over DynamoDB: links stored before URLs were serialized', () => {
  it('given a link stored under the raw form a client once sent, when it is updated, snapshotted and deleted by the serialization, then it is found each time', async () => {
    const username = freshUser();
    const store = new DynamoLinkStore(tables.names.links, tables.db);
    const raw = 'HTTPS://GoLang.ORG:443/doc/../Doc#install';
    await store.insert(aLink({ username, url: raw }), MAX_LINKS);
    const serialized = urlSchema.parse(raw);
    expect(serialized).toBe('https://golang.org/Doc#install');

    const updated = await service.update(username, { url: serialized, title: 'Found' });

    expect(updated).toMatchObject({ url: raw, title: 'Found' });
    expect(snapshotPrefix({ username, url: serialized })).toBe(snapshotPrefix({ username, url: raw }));
    await service.remove(username, urlSchema.parse('https://golang.org/Doc'));
    expect(await store.get(username, raw)).toBeUndefined();
  });
});
