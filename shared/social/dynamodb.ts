/**
 * The social table: follow edges, each written once, per-user counters, and the recent ends of follows.
 *
 * | access pattern                      | key condition / write                                             |
 * |-------------------------------------|-------------------------------------------------------------------|
 * | follow (unless already following)   | TransactWriteItems: Put edge if attribute_not_exists(pk) +        |
 * |                                     | ADD following_count on the follower + ADD followers_count on the  |
 * |                                     | followed (all or nothing)                                          |
 * | unfollow                            | GetItem of the edge (consistent: its since), then                  |
 * |                                     | TransactWriteItems: Delete edge if since is still that one + Put   |
 * |                                     | the follow's end in the followed user's partition + ADD -1 to both |
 * | whom a user follows, newest first   | LSI followingBySince: pk = USER#<follower>, descending             |
 * | who follows a user, newest first    | GSI followersBySince: followed_pk = FOLLOWED#<followed>, descending |
 * | a user's counts                     | pk = USER#<username>, sk = COUNTERS                                |
 * | an erased user's counters go        | Delete pk = USER#<username>, sk = COUNTERS                         |
 * | which of these follows of B ended   | Query pk = USER#<B>, sk BETWEEN UNFOLLOWED#<from> AND UNFOLLOWED$, |
 * | (the feed writer, after each write) | consistent: B's follows ended since <from>, one read for a whole   |
 * |                                     | message of readers; else (an old message, a busy window) as below  |
 * | since when do readers follow B      | BatchGetItem of their edges, consistent, 100 keys per call          |
 * | since when does A follow B1..Bn     | the same, of A's edges to them                                     |
 *
 * Item shapes:
 * - edge: { pk: USER#<follower>, sk: FOLLOWS#<followed>, follower, followed, since,
 *   since_key: <since>#<followed>, followed_pk: FOLLOWED#<followed> }
 * - counters: { pk: USER#<username>, sk: COUNTERS, followers_count, following_count }
 * - the end of a follow: { pk: USER#<followed>, sk: UNFOLLOWED#<ended at>#<follower>#<since of the follow>,
 *   expires_at_epoch: ended at + ENDED_FOLLOWS_KEPT_MS } (TTL), nothing else: about 110 bytes, so one read unit
 *   of a strongly consistent Query covers some 35 of them.
 * The edge is stored once; the GSI is the inverted index for the other direction (eventually consistent,
 * which the followers list and the fan-out tolerate). The counters item and the ends of follows have neither
 * since_key nor followed_pk, so they stay out of both indexes. The table streams edge changes to the news
 * context, which backfills a new follower's feed and clears it on unfollow (the other items' records are
 * ignored there).
 *
 * Why the ends of follows: after writing an event into a message's readers' feeds, the feed writer must learn,
 * strongly consistent, whether any of those follows has ended since (shared/news/core.ts, FeedWriter). The edges
 * sit in each follower's partition, so asking them costs a read unit per reader; the ends sit in the followed
 * user's partition, so one Query answers for the whole message. The end is written in the unfollow's own
 * transaction, so the Query sees it exactly when a read of the edge would see it gone. It names the follow by its
 * since, so a follow begun again (a new since) is not taken for the one that ended. It is kept
 * ENDED_FOLLOWS_KEPT_MS, then TTL deletes it (with the two usernames: an erased account's go within that time and
 * TTL's own delay). A check is answered from the ends only while every end it could need is still kept: the
 * follows checked were all alive at a time `aliveAt` given by the caller (the fan-out read them from the index
 * after the event, which lags by less than INDEX_LAG_ALLOWANCE_MS; a backfill runs for a follow that began at
 * `aliveAt`), so each end that matters came after `aliveAt - INDEX_LAG_ALLOWANCE_MS`, and is kept until at least
 * that plus ENDED_FOLLOWS_KEPT_MS. A check made later than that (a message redriven a day later), or whose
 * window holds more ends than the readers' own edges would cost to read, reads the edges instead.
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
const ENDED_PREFIX = 'UNFOLLOWED#';
/** Sorts just after every `UNFOLLOWED#...` sort key ('$' follows '#'): the open end of a range of ends. */
const AFTER_ENDED = 'UNFOLLOWED$';
const HOUR_MS = 60 * 60 * 1000;
/** How long the end of a follow is kept for the feed writer's checks (then TTL deletes it). */
export const ENDED_FOLLOWS_KEPT_MS = 24 * HOUR_MS;
/**
 * More than the followers index ever lags behind the table, plus the clocks' disagreement between functions: a
 * follow that the fan-out read from the index at the time of an event was alive this long before the event.
 */
export const INDEX_LAG_ALLOWANCE_MS = HOUR_MS;
/**
 * Ends of follows that one read unit of a strongly consistent Query covers at the least (4 KB; an end is at most
 * about 170 bytes with the longest usernames): a check reads at most this many per reader checked, else it costs
 * more than reading the readers' edges.
 */
const ENDS_PER_READ_UNIT = 24;
/** The TTL attribute (shared/wiring.ts, tables.social). */
const EXPIRES_AT = 'expires_at_epoch';
/** An edge as stored: the follow, its key, and the attributes that place it in the two indexes. */
type FollowItem = Follow & { pk: string; sk: string; since_key: string; followed_pk: string };

const userPartition = (username: string) => `${keyPrefixes.social.user}${username}`;
export const edgeKey = (follower: string, followed: string) => ({
  pk: userPartition(follower),
  sk: `${EDGE_PREFIX}${followed}`,
});
const endedKey = (followed: string, endedAt: string, follow: FollowPosition) => ({
  pk: userPartition(followed),
  sk: `${ENDED_PREFIX}${endedAt}#${follow.username}#${follow.since}`,
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
    private readonly now: () => Date = () => new Date(),
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

  /**
   * Ends the follow, if any, and records its end in the followed user's partition. The edge's since is read first
   * and the delete made on condition that it is still that follow: one unfollowed and followed again in between
   * is read again.
   */
  async remove(follower: string, followed: string): Promise<boolean> {
    for (;;) {
      const { Item } = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: edgeKey(follower, followed),
          ConsistentRead: true,
          ProjectionExpression: 'since',
        }),
      );
      if (Item === undefined) return false;
      const since = Item.since as string;
      const endedAt = this.now();
      const reasons = await transact(
        this.db,
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: edgeKey(follower, followed),
                ConditionExpression: 'since = :since',
                ExpressionAttributeValues: { ':since': since },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...endedKey(followed, endedAt.toISOString(), { username: follower, since }),
                  [EXPIRES_AT]: Math.ceil((endedAt.getTime() + ENDED_FOLLOWS_KEPT_MS) / 1000),
                },
              },
            },
            this.count(follower, 'following_count', -1),
            this.count(followed, 'followers_count', -1),
          ],
        }),
      );
      if (reasons === undefined) return true;
    }
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

  /**
   * Which of these follows of `followed` have ended (strongly consistent): the followers whose follow that began
   * at the given since is over. `aliveAt`: a time when each was known to hold, as the index showed it (see the
   * table's design above). One Query of the followed user's recent ends while they are all kept and few, else a
   * BatchGet of the edges.
   */
  async endedFollows(followed: string, follows: FollowPosition[], aliveAt: string): Promise<Set<string>> {
    if (follows.length === 0) return new Set();
    const from = Date.parse(aliveAt) - INDEX_LAG_ALLOWANCE_MS;
    if (from + ENDED_FOLLOWS_KEPT_MS > this.now().getTime()) {
      const ends = await this.recentEnds(followed, new Date(from), follows.length * ENDS_PER_READ_UNIT);
      if (ends !== undefined)
        return new Set(
          follows
            .filter((follow) => ends.has(`${follow.username}#${follow.since}`))
            .map((follow) => follow.username),
        );
    }
    const current = await this.followedSince(
      follows.map((follow) => follow.username),
      followed,
    );
    return new Set(
      follows
        .filter((follow) => current.get(follow.username) !== follow.since)
        .map((follow) => follow.username),
    );
  }

  /**
   * The follows of `followed` ended since `from`, as `<follower>#<since>`; undefined when there are more than
   * `limit` (reading them all would cost more than the edges).
   */
  private async recentEnds(followed: string, from: Date, limit: number): Promise<Set<string> | undefined> {
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': userPartition(followed),
          ':from': `${ENDED_PREFIX}${from.toISOString()}`,
          ':to': AFTER_ENDED,
        },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    if (LastEvaluatedKey !== undefined) return undefined;
    // UNFOLLOWED#<ended at>#<follower>#<since>: neither a username nor an ISO time holds a '#'.
    return new Set(Items.map((item) => (item.sk as string).split('#').slice(2).join('#')));
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
