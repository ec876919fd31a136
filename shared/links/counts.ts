import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import { countersKey } from './table-keys.ts';

/**
 * A user's link counts, read from the counters item that adds, deletes and changes of `private` keep exact: the
 * links context's answer to the users context's LinkCounts port (its profile routes), so that no other context
 * builds these keys.
 */
export class DynamoLinkCounts {
  constructor(
    private readonly tableName: string = requiredEnv('LINKS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  /** All the user's links, and those that are not private. */
  async linksCount(username: string): Promise<{ all: number; public: number }> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: countersKey(username),
        ProjectionExpression: 'links_count, public_links_count',
        ConsistentRead: true,
      }),
    );
    return {
      all: Math.max(0, Number(Item?.links_count ?? 0)),
      public: Math.max(0, Number(Item?.public_links_count ?? 0)),
    };
  }
}
