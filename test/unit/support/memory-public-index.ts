import { normalizeUrl, type Link } from '../../../shared/links/model.ts';
import type { LinkPage, PublicLinkIndex, PublicPosition } from '../../../shared/links/ports.ts';
import type { InMemoryLinkStore } from './memory-link-store.ts';

/** The byPublic index over an in-memory store: like the local index read strongly consistent, it is the store now. */
export class InMemoryPublicIndex implements PublicLinkIndex {
  readonly pageCalls: number[] = [];

  constructor(private readonly store: InMemoryLinkStore) {}

  async newestPublic(
    username: string,
    after: PublicPosition | undefined,
    pageSize: number,
  ): Promise<LinkPage> {
    this.pageCalls.push(pageSize);
    const newestFirst = this.store
      .allOf(username)
      .filter((link) => !link.private)
      .sort((a, b) => order(positionOf(b)).localeCompare(order(positionOf(a))));
    const start = after ? newestFirst.filter((link) => order(positionOf(link)) < order(after)) : newestFirst;
    const links = start.slice(0, pageSize).map((link) => structuredClone(link));
    return { links, hasMore: links.length === pageSize };
  }
}

const positionOf = (link: Link): PublicPosition => ({
  published_at: link.published_at ?? link.created_at,
  url: link.url,
});
const order = (position: PublicPosition) => `${position.published_at}#${normalizeUrl(position.url)}`;
