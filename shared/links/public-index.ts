import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import { Unavailable } from '../errors.ts';
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

/** BatchGetItem's keys per call: a page holds at most 100 links, so one call. */
const BATCH_GET_LIMIT = 100;
/** Rounds of asking again for keys that BatchGetItem left unprocessed (throttling) before giving up. */
const BATCH_ROUNDS = 5;
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
    const names = Object.fromEntries(CONFIRMED_ATTRIBUTES.map((name, i) => [`#a${i}`, name]));
    const current = new Map<string, Record<string, unknown>>();
    let keys: Record<string, unknown>[] = links.map((link) => linkKey(link.username, link.url));
    for (let round = 0; keys.length > 0; round++) {
      if (round === BATCH_ROUNDS) throw new Unavailable('The links table is busy; try again.');
      const result = await this.db.send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: {
              Keys: keys,
              ConsistentRead: true,
              ProjectionExpression: Object.keys(names).join(', '),
              ExpressionAttributeNames: names,
            },
          },
        }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) {
        // A private item has no public_created: it is left out here.
        if (typeof item.public_created === 'string') current.set(item.public_created, item);
      }
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
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
