import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetConsistent, documentClient, type DocumentClient, transact } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import type { ImportedLinkOutcome, LinksForImportPort } from '../imports/ports.ts';
import type { Link } from './model.ts';
import { DynamoLinkStore } from './store.ts';
import { countersKey, linkKey, linkToItem } from './table.ts';

/** A transaction holds at most 100 actions: the links' puts and the counters' update. */
const PUTS_PER_TRANSACTION = 99;

/**
 * The links context's side of an import (the imports core's LinksForImportPort), on the links table.
 *
 * A chunk of links is added in two steps: one consistent BatchGetItem finds those the user already has (left as
 * they are; those carrying this import's id were added by an earlier delivery and count as imported); the rest
 * go in one transaction with the counters' update, whose condition keeps the per-user limit for all of them at
 * once. If that transaction is cancelled (the limit would be passed, or a concurrent add took one of the URLs),
 * the chunk's links are added one by one with the links store's own insert, which decides each link exactly:
 * the ones past the limit come back as `limit`.
 */
export class LinksForImport implements LinksForImportPort {
  private readonly store: DynamoLinkStore;

  constructor(
    private readonly tableName: string = requiredEnv('LINKS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {
    this.store = new DynamoLinkStore(tableName, db);
  }

  async addAll(links: Link[], maxLinks: number): Promise<ImportedLinkOutcome[]> {
    const outcomes: ImportedLinkOutcome[] = [];
    for (let start = 0; start < links.length; start += PUTS_PER_TRANSACTION) {
      outcomes.push(...(await this.addGroup(links.slice(start, start + PUTS_PER_TRANSACTION), maxLinks)));
    }
    return outcomes;
  }

  private async addGroup(links: Link[], maxLinks: number): Promise<ImportedLinkOutcome[]> {
    if (links.length === 0) return [];
    const existing = await this.importersOf(links);
    const outcomes = new Map<Link, ImportedLinkOutcome>();
    const fresh: Link[] = [];
    for (const link of links) {
      const key = linkKey(link.username, link.url).sk;
      if (!existing.has(key)) fresh.push(link);
      else outcomes.set(link, existing.get(key) === link.imported_by ? 'imported' : 'existing');
    }
    if (fresh.length > 0 && (await this.insertTogether(fresh, maxLinks))) {
      for (const link of fresh) outcomes.set(link, 'imported');
    } else {
      for (const link of fresh) outcomes.set(link, await this.insertAlone(link, maxLinks));
    }
    return links.map((link) => outcomes.get(link)!);
  }

  /** The sort keys of the links the user already has among these, each with the import that added it (or ''). */
  private async importersOf(links: Link[]): Promise<Map<string, string>> {
    const keys = links.map((link) => linkKey(link.username, link.url));
    const items = await batchGetConsistent(this.db, this.tableName, keys, ['sk', 'imported_by']);
    return new Map(items.map((item) => [item.sk as string, (item.imported_by as string | undefined) ?? '']));
  }

  /** All the links and the counters in one transaction; false when it was cancelled by a condition. */
  private async insertTogether(links: Link[], maxLinks: number): Promise<boolean> {
    if (links.length > maxLinks) return false;
    const username = links[0]!.username;
    const command = new TransactWriteCommand({
      TransactItems: [
        ...links.map((link) => ({
          Put: {
            TableName: this.tableName,
            Item: linkToItem(link),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        })),
        {
          Update: {
            TableName: this.tableName,
            Key: countersKey(username),
            UpdateExpression:
              'SET links_count = if_not_exists(links_count, :zero) + :added, ' +
              'public_links_count = if_not_exists(public_links_count, :zero) + :public',
            ConditionExpression: 'attribute_not_exists(links_count) OR links_count <= :room',
            ExpressionAttributeValues: {
              ':zero': 0,
              ':added': links.length,
              ':public': links.filter((link) => !link.private).length,
              ':room': maxLinks - links.length,
            },
          },
        },
      ],
    });
    return (await transact(this.db, command)) === undefined;
  }

  private async insertAlone(link: Link, maxLinks: number): Promise<ImportedLinkOutcome> {
    const result = await this.store.insert(link, maxLinks);
    if (result.inserted) return 'imported';
    if (result.reason === 'limit') return 'limit';
    return result.existing.imported_by === link.imported_by ? 'imported' : 'existing';
  }
}
