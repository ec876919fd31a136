import { documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import { linkRevision } from '../news/model.ts';
import type { RecentLink, RecentLinks } from '../news/ports.ts';
import type { Link, LinkPosition } from './model.ts';
import { queryNewestFirst } from './table.ts';

/**
 * What the news context reads of the links table (its RecentLinks port): an author's recent public links, to
 * backfill a new follower's feed.
 */
export class PublishedLinks implements RecentLinks {
  constructor(
    private readonly tableName: string = requiredEnv('LINKS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async recentPublic(author: string, count: number): Promise<RecentLink[]> {
    const recent = await this.newestPublic(author, count);
    return recent.map((link) => ({
      url: link.url,
      title: link.title,
      publishedAt: link.published_at ?? link.created_at,
      revision: linkRevision(link.created_at, link.version),
    }));
  }

  /** The author's newest public links, at most `count`, looking at no more than ten times that many. */
  private async newestPublic(author: string, count: number): Promise<Link[]> {
    const found: Link[] = [];
    let after: LinkPosition | undefined;
    for (let examined = 0; found.length < count && examined < count * 10;) {
      const page = await queryNewestFirst(this.db, this.tableName, author, after, count * 2);
      examined += page.links.length;
      found.push(...page.links.filter((link) => !link.private));
      const last = page.links.at(-1);
      if (!page.hasMore || !last) break;
      after = { created_at: last.created_at, url: last.url };
    }
    return found.slice(0, count);
  }
}
