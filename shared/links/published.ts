import { batchGetInOrder, documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import { linkRevision } from '../news/model.ts';
import type { LinkRef, LinkVisibility, RecentLink, RecentLinks } from '../news/ports.ts';
import { linkKey, queryNewestPublic } from './table.ts';

/**
 * What the news context reads of the links table: an author's recent public links, to backfill a new follower's
 * feed (its RecentLinks port), and which of a news page's links are still public (its LinkVisibility port).
 */
export class PublishedLinks implements RecentLinks, LinkVisibility {
  constructor(
    private readonly tableName: string = requiredEnv('LINKS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  /** The author's newest public links, at most `count`: one Query of byPublic, newest published first. */
  async recentPublic(author: string, count: number): Promise<RecentLink[]> {
    const { links } = await queryNewestPublic(this.db, this.tableName, author, undefined, count);
    return links.map((link) => ({
      url: link.url,
      title: link.title,
      publishedAt: link.published_at ?? link.created_at,
      revision: linkRevision(link.created_at, link.version),
    }));
  }

  /**
   * One consistent BatchGetItem per 100 links, projecting `private` and the keys: a link is public when its item
   * exists and is not private. Each link is looked up by its key (the normalized URL's hash), so the URL an event
   * carries finds its link whatever its spelling.
   */
  async publicOf(links: LinkRef[]): Promise<LinkRef[]> {
    const keys = links.map((link) => linkKey(link.author, link.url));
    const items = await batchGetInOrder(this.db, this.tableName, keys, ['private']);
    return links.filter((_, i) => items[i] !== undefined && items[i].private !== true);
  }
}
