/**
 * The social table: follow edges, each written once, and per-user counters.
 *
 * | access pattern                      | key condition / write                                             |
 * |-------------------------------------|-------------------------------------------------------------------|
 * | follow (unless already following)   | TransactWriteItems: Put edge if attribute_not_exists(pk) +        |
 * |                                     | ADD following_count on the follower + ADD followers_count on the  |
 * |                                     | followed (all or nothing)                                          |
 * | unfollow                            | TransactWriteItems: Delete edge if it exists + ADD -1 to both      |
 * | whom a user follows, newest first   | LSI followingBySince: pk = USER#<follower>, descending             |
 * | who follows a user, newest first    | GSI followersBySince: followed_pk = FOLLOWED#<followed>, descending |
 * | a user's counts                     | pk = USER#<username>, sk = COUNTERS                                |
 * | an erased user's counters go        | Delete pk = USER#<username>, sk = COUNTERS                         |
 * | since when do readers follow B      | BatchGetItem of their edges, consistent, 100 keys per call          |
 * | since when does A follow B1..Bn     | the same, of A's edges to them                                     |
 *
 * Item shapes:
 * - edge: { pk: USER#<follower>, sk: FOLLOWS#<followed>, follower, followed, since,
 *   since_key: <since>#<followed>, followed_pk: FOLLOWED#<followed> }
 * - counters: { pk: USER#<username>, sk: COUNTERS, followers_count, following_count }
 * The edge is stored once; the GSI is the inverted index for the other direction (eventually consistent,
 * which the followers list and the fan-out tolerate). The counters item has neither since_key nor
 * followed_pk, so it stays out of both indexes. The table streams edge changes to the news context, which
 * backfills a new follower's feed and clears it on unfollow.
 */
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetConsistent, documentClient, type DocumentClient, transact } from '../aws/dynamodb.ts';
import type { Follow, FollowCounts, FollowPosition } from './model.ts';
import type { FollowPage, FollowStore } from './ports.ts';
import { requiredEnv } from '../config.ts';
import { keyPrefixes } from '../keys.ts';

const FOLLOWING_BY_SINCE = 'followingBySince';
const FOLLOWERS_BY_SINCE = 'followersBySince';
const EDGE_PREFIX = 'FOLLOWS#';
/** An edge as stored: the follow, its key, and the attributes that place it in the two indexes. */
type FollowItem = Follow & { pk: string; sk: string; since_key: string; followed_pk: string };

const userPartition = (username: string) => `${keyPrefixes.social.user}${username}`;
export const edgeKey = (follower: string, followed: string) => ({
  pk: userPartition(follower),
  sk: `${EDGE_PREFIX}${followed}`,
});
export const countersKey = (username: string) => ({ pk: userPartition(username), sk: 'COUNTERS' });
const followedPartition = (followed: string) => `FOLLOWED#${followed}`;

export function followToItem(follow: Follow): FollowItem {
  return {
    ...edgeKey(follow.follower, follow.followed),
    follower: follow.follower,
    followed: follow.followed,
    since: follow.since,
    since_key: `${follow.since}#${follow.followed}`,
    followed_pk: followedPartition(follow.followed),
  };
}

export function followFromItem(item: Record<string, unknown>): Follow {
  const row = item as unknown as FollowItem;
  return { follower: row.follower, followed: row.followed, since: row.since };
}

export function isFollowItem(item: Record<string, unknown>): boolean {
  return typeof item.sk === 'string' && item.sk.startsWith(EDGE_PREFIX);
}

export class DynamoFollowStore implements FollowStore {
  constructor(
    private readonly tableName: string = requiredEnv('SOCIAL_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async add(follow: Follow): Promise<boolean> {
    const reasons = await transact(
      this.db,
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: followToItem(follow),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          this.count(follow.follower, 'following_count', 1),
          this.count(follow.followed, 'followers_count', 1),
        ],
      }),
    );
    return reasons === undefined;
  }

  async remove(follower: string, followed: string): Promise<boolean> {
    const reasons = await transact(
      this.db,
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: this.tableName,
              Key: edgeKey(follower, followed),
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          this.count(follower, 'following_count', -1),
          this.count(followed, 'followers_count', -1),
        ],
      }),
    );
    return reasons === undefined;
  }

  following(follower: string, after: FollowPosition | undefined, pageSize: number): Promise<FollowPage> {
    return this.query({
      IndexName: FOLLOWING_BY_SINCE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': userPartition(follower) },
      ConsistentRead: true,
      Limit: pageSize,
      ExclusiveStartKey: after
        ? { ...edgeKey(follower, after.username), since_key: `${after.since}#${after.username}` }
        : undefined,
    });
  }

  followers(followed: string, after: FollowPosition | undefined, pageSize: number): Promise<FollowPage> {
    return this.query({
      IndexName: FOLLOWERS_BY_SINCE,
      KeyConditionExpression: 'followed_pk = :pk',
      ExpressionAttributeValues: { ':pk': followedPartition(followed) },
      Limit: pageSize,
      ExclusiveStartKey: after
        ? {
            ...edgeKey(after.username, followed),
            followed_pk: followedPartition(followed),
            since_key: `${after.since}#${followed}`,
          }
        : undefined,
    });
  }

  /** The readers who follow `followed` now, with the time their follow began (strongly consistent). */
  async followedSince(readers: string[], followed: string): Promise<Map<string, string>> {
    const keys = [...new Set(readers)].map((reader) => edgeKey(reader, followed));
    const items = await batchGetConsistent(this.db, this.tableName, keys, ['follower', 'since']);
    return new Map(items.map((item) => [item.follower as string, item.since as string]));
  }

  /** Which of `followed` the follower follows now, with the time each follow began (strongly consistent). */
  async followsOf(follower: string, followed: string[]): Promise<Map<string, string>> {
    const keys = [...new Set(followed)].map((author) => edgeKey(follower, author));
    const items = await batchGetConsistent(this.db, this.tableName, keys, ['followed', 'since']);
    return new Map(items.map((item) => [item.followed as string, item.since as string]));
  }

  async counts(username: string): Promise<FollowCounts> {
    const { Item } = await this.db.send(
      // Consistent: the fan-out decides by it whether anybody, and how large an audience, follows the author.
      new GetCommand({ TableName: this.tableName, Key: countersKey(username), ConsistentRead: true }),
    );
    return {
      followers: Math.max(0, Number(Item?.followers_count ?? 0)),
      following: Math.max(0, Number(Item?.following_count ?? 0)),
    };
  }

  async removeCounters(username: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: countersKey(username) }));
  }

  private async query(input: Omit<QueryCommand['input'], 'TableName'>): Promise<FollowPage> {
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({ ...input, TableName: this.tableName, ScanIndexForward: false }),
    );
    return { follows: Items.map(followFromItem), hasMore: LastEvaluatedKey !== undefined };
  }

  private count(username: string, counter: 'following_count' | 'followers_count', delta: number) {
    return {
      Update: {
        TableName: this.tableName,
        Key: countersKey(username),
        UpdateExpression: 'ADD #counter :delta',
        ExpressionAttributeNames: { '#counter': counter },
        ExpressionAttributeValues: { ':delta': delta },
      },
    };
  }
}
