import { documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import { linkRevision } from '../news/model.ts';
import type { RecentLink, RecentLinks } from '../news/ports.ts';
import { queryNewestPublic } from './table.ts';

/**
 * What the news context's feed writer reads of the links table: an author's recent public links, to backfill a new
 * follower's feed (its RecentLinks port). What news pages read is visibility-for-news.ts.
 */
export class PublishedLinks implements RecentLinks {
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
}
