import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { documentClient, type DocumentClient, batchGetConsistent } from '../aws/dynamodb.ts';
import { keyPrefixes } from '../keys.ts';
import { requiredEnv } from '../config.ts';
import type { LinksForSearch as LinksForSearchPort } from '../search/ports.ts';
import type { Link, LinkPosition } from './model.ts';
import { linkFromItem, linkKey, queryNewestFirst } from './table.ts';
import { linkSchema } from './model.ts';

/** Links read per query while a user's search index is built. */
const BUILD_PAGE_SIZE = 500;

/**
 * What the search context reads of the links table (its LinksForSearch port): all of a user's links, to build an
 * index, and the links a search found, read again strongly consistent, so that a deleted or newly private link
 * is never shown whatever the index's lag.
 */
export class LinksForSearch implements LinksForSearchPort {
  constructor(
    private readonly tableName: string = requiredEnv('LINKS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async *all(username: string): AsyncIterable<Link[]> {
    let after: LinkPosition | undefined;
    for (;;) {
      const page = await queryNewestFirst(this.db, this.tableName, username, after, BUILD_PAGE_SIZE);
      if (page.links.length > 0) yield page.links;
      const last = page.links.at(-1);
      if (!page.hasMore || !last) return;
      after = { created_at: last.created_at, url: last.url };
    }
  }

  /**
   * Every user with an item in the links table, a page of the Scan at a time (the backfill's list): a Scan returns
   * a partition's items together, so each user comes once per page boundary at most; projecting the key only.
   */
  async *owners(): AsyncIterable<string[]> {
    const pages = paginateScan(
      { client: this.db },
      { TableName: this.tableName, ProjectionExpression: 'pk', Select: 'SPECIFIC_ATTRIBUTES' },
    );
    let previous: string | undefined;
    for await (const page of pages) {
      const owners: string[] = [];
      for (const item of page.Items ?? []) {
        const pk = String(item.pk);
        if (!pk.startsWith(keyPrefixes.links.owner)) continue;
        const username = pk.slice(keyPrefixes.links.owner.length);
        if (username !== previous) owners.push(username);
        previous = username;
      }
      if (owners.length > 0) yield owners;
    }
  }

  async current(username: string, urls: readonly string[]): Promise<Link[]> {
    const items = await batchGetConsistent(
      this.db,
      this.tableName,
      urls.map((url) => linkKey(username, url)),
      Object.keys(linkSchema.shape),
    );
    return items.map(linkFromItem);
  }
}
