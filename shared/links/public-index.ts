import { documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import type { LinkPage, PublicLinkIndex, PublicPosition } from './ports.ts';
import { queryNewestPublic } from './table.ts';

/** The public side's reads of the links table: one strongly consistent Query of byPublic per page (table.ts). */
export class DynamoPublicLinkIndex implements PublicLinkIndex {
  constructor(
    private readonly tableName: string = requiredEnv('LINKS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  newestPublic(username: string, after: PublicPosition | undefined, pageSize: number): Promise<LinkPage> {
    return queryNewestPublic(this.db, this.tableName, username, after, pageSize);
  }
}
