import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BATCH_GET_LIMIT, batchGetConsistent, documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import { linkSchema, type Link } from './model.ts';
import type { LinkPage, PublicLinkIndex, PublicPosition } from './ports.ts';
import {
  linkFromItem,
  linkKey,
  PUBLIC_LINKS,
  publicCreatedKey,
  publicIndexKeys,
  userPartition,
} from './table.ts';

/** What the confirming read fetches: the link as the response shows it, and its place in the index. */
const CONFIRMED_ATTRIBUTES = [...Object.keys(linkSchema.shape), 'public_created'];

/** The public side's reads of the links table (its design, byPublic: table.ts). */
export class DynamoPublicLinkIndex implements PublicLinkIndex {
  constructor(
    private readonly tableName: string = requiredEnv('LINKS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async newestPublic(
    username: string,
    after: PublicPosition | undefined,
    pageSize: number,
  ): Promise<LinkPage> {
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: PUBLIC_LINKS,
        KeyConditionExpression: 'public_pk = :pk',
        ExpressionAttributeValues: { ':pk': userPartition(username) },
        ScanIndexForward: false,
        Limit: pageSize,
        ExclusiveStartKey: after
          ? {
              ...linkKey(username, after.url),
              public_pk: userPartition(username),
              public_created: publicCreatedKey(after),
            }
          : undefined,
      }),
    );
    return { links: Items.map(linkFromItem), hasMore: LastEvaluatedKey !== undefined };
  }

  async stillPublic(links: Link[]): Promise<Link[]> {
    if (links.length > BATCH_GET_LIMIT) throw new Error(`at most ${BATCH_GET_LIMIT} links at a time`);
    const items = await batchGetConsistent(
      this.db,
      this.tableName,
      links.map((link) => linkKey(link.username, link.url)),
      CONFIRMED_ATTRIBUTES,
    );
    // A private item has no public_created: it is left out here.
    const current = new Map(
      items.flatMap((item) =>
        typeof item.public_created === 'string' ? [[item.public_created, item] as const] : [],
      ),
    );
    // Shown only if the table's item still sits where the index put it: still public, and not re-published since.
    return links.flatMap((link) => {
      const position = publicIndexKeys(link)?.public_created;
      const item = position === undefined ? undefined : current.get(position);
      if (!item) return [];
      const confirmed = linkFromItem(item);
      return confirmed.private ? [] : [confirmed];
    });
  }
}
