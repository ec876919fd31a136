import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { BatchWriteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { batchDelete, documentClient, type DocumentClient } from '../../shared/aws/dynamodb.ts';
import { s3Client } from '../../shared/checker/s3.ts';
import { snapshotKey } from '../../shared/checker/snapshots.ts';
import { countersKey, linkToItem } from '../../shared/links/table.ts';
import { slotEntryToItem } from '../../shared/news/dynamodb.ts';
import { linkEvent, linkRevision } from '../../shared/news/model.ts';
import { DynamoFollowStore, ENDED_FOLLOWS_KEPT_MS } from '../../shared/social/dynamodb.ts';
import { identityKey, userToItem } from '../../shared/users/dynamodb.ts';
import { aLink, aUser } from './builders.ts';

/**
 * A user with a full account on the local engines, to erase: a profile with its GitHub identity mapping, links
 * with their counters item, follows both ways (through the store, so the counters are right), snapshots, their
 * own news, and entries of theirs in their followers' news. The runtime's environment names the tables and
 * the bucket.
 */
export interface AccountSizes {
  links: number;
  followers: number;
  following: number;
  snapshots: number;
}

export const TABLE_ENV = {
  users: 'USERS_TABLE',
  links: 'LINKS_TABLE',
  social: 'SOCIAL_TABLE',
  feeds: 'FEEDS_TABLE',
};
const table = (name: keyof typeof TABLE_ENV) => process.env[TABLE_ENV[name]]!;
const SINCE = '2026-11-01T00:00:00.000Z';
const WRITES_IN_FLIGHT = 8;

export const followerName = (owner: string, i: number) => `${owner}-fan-${i}`;
export const followedName = (owner: string, i: number) => `${owner}-idol-${i}`;
export const linkUrl = (owner: string, i: number) => `https://example.com/${owner}/${i}`;

/** Puts the items, 25 per BatchWriteItem, a few calls at once. */
async function putAll(db: DocumentClient, tableName: string, items: object[]): Promise<void> {
  const batches: object[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await db.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: WRITES_IN_FLIGHT }, worker));
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: WRITES_IN_FLIGHT }, worker));
}

/** The import id the seeded links carry. */
const SEEDING_IMPORT = '0000000005eed000000000000';

/** A feed entry of `author`'s link in `reader`'s news, as the fan-out writes it. */
function feedItem(reader: string, author: string, url: string) {
  const at = '2026-11-30T12:00:00.000Z';
  return slotEntryToItem({
    reader,
    author,
    url,
    slot: 'added',
    event: linkEvent('link_added', author, url, 'A link', at),
    revision: linkRevision(at, 1),
    followedSince: SINCE,
    order: `${SINCE}#${linkRevision(at, 1)}#1`,
    expiresAtEpoch: Math.floor(Date.now() / 1000) + 86_400,
  });
}

/**
 * Seeds `owner`'s account, marked as being deleted unless `marked` is false; `githubId` maps to it. The links
 * are seeded as an import adds them (with `imported_by`), so that with the pollers on the fan-out leaves them out
 * of the followers' news, whenever the links stream gets to them: the news items are seeded by hand instead.
 */
export async function seedAccount(
  owner: string,
  sizes: AccountSizes,
  options: { githubId: number; marked?: boolean },
): Promise<void> {
  const db = documentClient();
  await db.send(
    new PutCommand({
      TableName: table('users'),
      Item: {
        ...userToItem(aUser({ username: owner })),
        github_id: options.githubId,
        ...(options.marked === false ? {} : { deleting_since: new Date().toISOString() }),
      },
    }),
  );
  await db.send(
    new PutCommand({
      TableName: table('users'),
      Item: {
        ...identityKey(options.githubId),
        username: owner,
        github_id: options.githubId,
        created_at: SINCE,
      },
    }),
  );
  const links = Array.from({ length: sizes.links }, (_, i) =>
    linkToItem(
      aLink({ username: owner, url: linkUrl(owner, i), title: `Link ${i}`, imported_by: SEEDING_IMPORT }),
    ),
  );
  await putAll(db, table('links'), [
    ...links,
    { ...countersKey(owner), links_count: sizes.links, public_links_count: sizes.links },
  ]);
  const follows = new DynamoFollowStore(table('social'));
  await inParallel(
    Array.from({ length: sizes.followers }, (_, i) => followerName(owner, i)),
    (follower) => follows.add({ follower, followed: owner, since: SINCE }),
  );
  await inParallel(
    Array.from({ length: sizes.following }, (_, i) => followedName(owner, i)),
    (followed) => follows.add({ follower: owner, followed, since: SINCE }),
  );
  // Two of each follower's news items are the owner's (and one another author's, which stays).
  const feeds = Array.from({ length: sizes.followers }, (_, i) => followerName(owner, i)).flatMap(
    (reader) => [
      feedItem(reader, owner, linkUrl(owner, 0)),
      feedItem(reader, owner, linkUrl(owner, 1)),
      feedItem(reader, 'someone-else', 'https://example.com/else'),
    ],
  );
  const ownNews = Array.from({ length: Math.min(sizes.following, 50) }, (_, i) =>
    feedItem(owner, followedName(owner, i), linkUrl(followedName(owner, i), 0)),
  );
  await putAll(db, table('feeds'), [...feeds, ...ownNews]);
  const s3 = s3Client();
  await inParallel(
    Array.from({ length: sizes.snapshots }, (_, i) => i),
    (i) =>
      s3.send(
        new PutObjectCommand({
          Bucket: process.env.SNAPSHOTS_BUCKET!,
          Key: snapshotKey({ username: owner, url: linkUrl(owner, i) }, '2026-11-30T12:00:00.000Z'),
          Body: 'page',
        }),
      ),
  );
}

/**
 * The end of a follow that the news pipeline's follow checks still read (shared/social/dynamodb.ts): kept by
 * design until its TTL, a day after the unfollow, so not a trace left behind.
 */
function expiringEndOfFollow(table: string, item: Record<string, unknown>): boolean {
  const [kind, endedAt] = String(item.sk).split('#');
  if (table !== 'social' || kind !== 'UNFOLLOWED') return false;
  const ended = Date.parse(endedAt ?? '');
  return (
    ended <= Date.now() && Number(item.expires_at_epoch) <= Math.ceil((ended + ENDED_FOLLOWS_KEPT_MS) / 1000)
  );
}

/**
 * Every item of any table that names `owner` in a key or attribute (but the ends of follows, which expire a day
 * later), and every snapshot under their prefix.
 */
export async function tracesOf(
  owner: string,
): Promise<{ items: Record<string, unknown>[]; snapshots: number }> {
  const db = documentClient();
  const items: Record<string, unknown>[] = [];
  const mentions = (value: unknown): boolean =>
    typeof value === 'string'
      ? value === owner ||
        value.includes(`#${owner}#`) ||
        value.endsWith(`#${owner}`) ||
        value.includes(`/${owner}/`)
      : typeof value === 'object' && value !== null && Object.values(value).some(mentions);
  for (const name of Object.keys(TABLE_ENV) as (keyof typeof TABLE_ENV)[]) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: table(name), ExclusiveStartKey: start }));
      items.push(
        ...(page.Items ?? [])
          .filter((item) => mentions(item) && !expiringEndOfFollow(name, item))
          .map((item) => ({ table: name, ...item })),
      );
      start = page.LastEvaluatedKey;
    } while (start);
  }
  const listing = await s3Client().send(
    new ListObjectsV2Command({ Bucket: process.env.SNAPSHOTS_BUCKET!, Prefix: `snapshots/${owner}/` }),
  );
  return { items, snapshots: listing.KeyCount ?? 0 };
}

/**
 * Deletes what `tracesOf` found with nothing but BatchWriteItem calls (25 keys each, a few at once) and the
 * snapshots with DeleteObjects: the floor that an erasure's time is compared with.
 */
export async function rawDelete(owner: string, traces: { items: Record<string, unknown>[] }): Promise<void> {
  const db = documentClient();
  // The follows go first, as in the erasure: with the pollers on, the links' deletions then fan out to nobody.
  const order: (keyof typeof TABLE_ENV)[] = ['social', 'links', 'feeds', 'users'];
  for (const name of order) {
    const keys = traces.items
      .filter((item) => item.table === name)
      .map((item) => ({ pk: item.pk as string, sk: item.sk as string }));
    await batchDelete(db, table(name), keys);
  }
  const listing = await s3Client().send(
    new ListObjectsV2Command({ Bucket: process.env.SNAPSHOTS_BUCKET!, Prefix: `snapshots/${owner}/` }),
  );
  const keys = (listing.Contents ?? []).map((object) => ({ Key: object.Key! }));
  if (keys.length > 0) {
    await s3Client().send(
      new DeleteObjectsCommand({
        Bucket: process.env.SNAPSHOTS_BUCKET!,
        Delete: { Objects: keys, Quiet: true },
      }),
    );
  }
}
