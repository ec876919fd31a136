import { normalizeUrl, type Link } from '../../../shared/links/model.ts';
import type { LinkPage, PublicLinkIndex, PublicPosition } from '../../../shared/links/ports.ts';
import type { InMemoryLinkStore } from './memory-link-store.ts';

/**
 * The byPublic index over an in-memory store, with the eventual consistency of a global index on demand: after
 * `freeze()`, pages come from the copies of that moment, while `stillPublic` reads the store as it is now.
 */
export class InMemoryPublicIndex implements PublicLinkIndex {
  private frozen: Link[] | undefined;
  readonly pageCalls: number[] = [];

  constructor(private readonly store: InMemoryLinkStore) {}

  /** The index stops seeing writes: it serves what it holds now (a lagging global index). */
  freeze(usernames: string[]): void {
    this.frozen = usernames.flatMap((username) => this.store.allOf(username));
  }

  async newestPublic(
    username: string,
    after: PublicPosition | undefined,
    pageSize: number,
  ): Promise<LinkPage> {
    this.pageCalls.push(pageSize);
    const source = this.frozen?.filter((link) => link.username === username) ?? this.store.allOf(username);
    const newestFirst = source
      .filter((link) => !link.private)
      .sort((a, b) => order(positionOf(b)).localeCompare(order(positionOf(a))));
    const start = after ? newestFirst.filter((link) => order(positionOf(link)) < order(after)) : newestFirst;
    const links = start.slice(0, pageSize).map((link) => structuredClone(link));
    return { links, hasMore: links.length === pageSize };
  }

  async stillPublic(links: Link[]): Promise<Link[]> {
    return links.flatMap((link) => {
      const current = this.store.stored(link.username, link.url);
      if (!current || current.private || current.published_at !== link.published_at) return [];
      return [structuredClone(current)];
    });
  }
}

const positionOf = (link: Link): PublicPosition => ({
  published_at: link.published_at ?? link.created_at,
  url: link.url,
});
const order = (position: PublicPosition) => `${position.published_at}#${normalizeUrl(position.url)}`;
