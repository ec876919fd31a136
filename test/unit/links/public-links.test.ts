import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidRequest, NotFound } from '../../../shared/errors.ts';
import { PageTokens } from '../../../shared/pagination.ts';
import { PUBLIC_TAG_SCAN_BUDGET, PublicLinks } from '../../../shared/links/public.ts';
import type { Link } from '../../../shared/links/model.ts';
import { UsersForLinks } from '../../../shared/users/users-for-links.ts';
import { aLink, aUser } from '../../support/builders.ts';
import { InMemoryLinkStore } from '../support/memory-link-store.ts';
import { InMemoryPublicIndex } from '../support/memory-public-index.ts';

const NOW = Date.parse('2026-11-24T09:00:00.000Z');
const at = (minute: number) =>
  new Date(Date.parse('2026-11-23T18:00:00.000Z') + minute * 60_000).toISOString();

let store: InMemoryLinkStore;
let index: InMemoryPublicIndex;
let service: PublicLinks;

function given(links: Link[]): void {
  store = new InMemoryLinkStore(links);
  index = new InMemoryPublicIndex(store);
  const users = { get: async (username: string) => (username === 'alice' ? aUser() : undefined) };
  service = new PublicLinks(
    index,
    new UsersForLinks(users),
    new PageTokens(
      async () => Buffer.from('a-unit-test-key-of-at-least-thirty-two-characters'),
      () => NOW,
    ),
  );
}

beforeEach(() => given([]));

const urls = (links: Link[]) => links.map((link) => link.url);
const publicLink = (i: number, overrides: Partial<Link> = {}) =>
  aLink({ url: `https://p${i}.example/`, created_at: at(i), ...overrides });

describe('PublicLinks.page: anyone’s view of a user’s public links', () => {
  it('given public and private links, when a page is read, then the public ones newest first, with one index query', async () => {
    given([
      publicLink(1),
      aLink({ url: 'https://secret.example/', created_at: at(2), private: true }),
      publicLink(3),
    ]);

    const page = await service.page('alice', { limit: 10 });

    expect(urls(page.links)).toEqual(['https://p3.example/', 'https://p1.example/']);
    expect(page.nextToken).toBeNull();
    expect(index.pageCalls).toEqual([11]);
  });

  it('given a link turned private between two pages, when the next page is read, then it is left out and the token still moves on', async () => {
    given([publicLink(1), publicLink(2), publicLink(3), publicLink(4)]);
    const first = await service.page('alice', { limit: 2 });
    const link = store.stored('alice', 'https://p2.example/')!;
    const { published_at: _published, ...rest } = link;
    await store.replace({ ...rest, private: true, version: 2 }, link);

    const second = await service.page('alice', { limit: 2, startToken: first.nextToken! });

    expect(urls(first.links)).toEqual(['https://p4.example/', 'https://p3.example/']);
    expect(urls(second.links)).toEqual(['https://p1.example/']);
    expect(second.nextToken).toBeNull();
    expect(index.pageCalls).toEqual([3, 3]);
  });

  it('given a tag, when read, then only links carrying it, and a page stops after the scan budget with a token', async () => {
    const many = Array.from({ length: PUBLIC_TAG_SCAN_BUDGET + 5 }, (_, i) =>
      publicLink(i, { tags: i === 0 ? ['rare'] : ['common'] }),
    );
    given(many);

    const first = await service.page('alice', { limit: 10, tag: 'Rare' });
    const second = await service.page('alice', { limit: 10, tag: 'rare', startToken: first.nextToken! });

    expect(first.links).toEqual([]);
    expect(first.nextToken).not.toBeNull();
    expect(urls(second.links)).toEqual(['https://p0.example/']);
    expect(second.nextToken).toBeNull();
  });

  it('given an unknown user, then NotFound; given an edited token, then InvalidRequest', async () => {
    given([publicLink(1), publicLink(2)]);
    const page = await service.page('alice', { limit: 1 });

    await expect(service.page('nobody', { limit: 10 })).rejects.toBeInstanceOf(NotFound);
    const token = page.nextToken!;
    const edited = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    await expect(service.page('alice', { limit: 1, startToken: edited })).rejects.toBeInstanceOf(
      InvalidRequest,
    );
  });
});
