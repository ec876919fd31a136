import { batchGetInOrder, documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import type { LinkRef, LinkVisibility } from '../news/ports.ts';
import { linkKey } from './table-keys.ts';

/**
 * What news pages read of the links table: which of a page's links are still public (the news context's
 * LinkVisibility port). Only the keys: apart from published.ts, so that the news routes do not build the link
 * model's schemas as they load.
 */
export class LinkVisibilityForNews implements LinkVisibility {
  constructor(
    private readonly tableName: string = requiredEnv('LINKS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

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
