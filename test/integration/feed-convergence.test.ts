import fc from 'fast-check';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { DynamoFeedStore, ExclusiveFeedStore } from '../../shared/news/dynamodb.ts';
import type { FeedStore } from '../../shared/news/ports.ts';
import { DynamoFollowStore } from '../../shared/social/dynamodb.ts';
import {
  expectConvergence,
  type FollowGraph,
  HYBRID_CASES,
  LARGE_AT_TWO_FOLLOWERS,
  newsOperations,
  settleOrders,
} from '../support/news-world.ts';
import { createTestTables, type TestTables } from '../support/tables.ts';

/**
 * The convergence property of test/unit/news/feed-convergence.test.ts on the real feeds and social tables in
 * DynamoDB Local: the conditional writes, hidden revisions and follow sweeps as DynamoDB evaluates them, and the
 * feed writer's follow check on the ends of follows that unfollows record. Fewer runs,
 * since each makes a few hundred real requests; a crash can strike before any call to the store.
 */
let tables: TestTables;
let worlds = 0;
let graphs = 0;

beforeAll(async () => {
  tables = await createTestTables(inject('dynamoDbEndpoint'), 'feeds');
});
afterAll(() => tables?.destroy());

/**
 * The DynamoDB store with each world's readers in partitions of their own: by conditional writes (as timelines are
 * written), or by their one writer's reads and whole-item writes (as readers' feeds are; the worlds deliver one
 * write at a time, as a FIFO group does).
 */
const storeOfItsOwn =
  (Store: typeof DynamoFeedStore) =>
  (step: () => void): FeedStore => {
    const store = new Store(tables.names.feeds, tables.db);
    const prefix = `w${++worlds}-`;
    const own = <T extends { reader: string }>(items: T[]) =>
      items.map((item) => ({ ...item, reader: prefix + item.reader }));
    return {
      writeEntries: async (entries) => (step(), store.writeEntries(own(entries))),
      hide: async (tombstones) => (step(), store.hide(own(tombstones))),
      removeFollowedUntil: async (reader, author, since) => (
        step(),
        store.removeFollowedUntil(prefix + reader, author, since)
      ),
      newest: (reader, range, pageSize) => store.newest(prefix + reader, range, pageSize),
      slotStates: (slots) => store.slotStates(own(slots)),
    };
  };

/**
 * The follows in the social table, each world's users in partitions of their own, on the world's clock: the
 * feed writer's check reads the ends of follows that the unfollow's transaction records.
 */
function socialTableOfItsOwn(now: () => Date): FollowGraph {
  const store = new DynamoFollowStore(tables.names.social, tables.db, now);
  const prefix = `g${++graphs}-`;
  return {
    follow: async (reader, author, since) =>
      void (await store.add({ follower: prefix + reader, followed: prefix + author, since })),
    unfollow: async (reader, author) => void (await store.remove(prefix + reader, prefix + author)),
    check: {
      ended: async (author, readers, aliveAt) => {
        const own = readers.map((reader) => ({ ...reader, username: prefix + reader.username }));
        const ended = await store.endedFollows(prefix + author, own, aliveAt);
        return new Set([...ended].map((username) => username.slice(prefix.length)));
      },
    },
  };
}

describe.each([
  ['conditional writes', DynamoFeedStore],
  ["the one writer's reads and writes", ExclusiveFeedStore],
])('news converges on DynamoDB Local, the feeds written by %s', (_how, Store) => {
  it('given any operations, when deliveries run out of order, twice, and crash midway, then the settled news equals in-order delivery and leaks nothing', async () => {
    await fc.assert(
      fc.asyncProperty(newsOperations, settleOrders, (operations, settle) =>
        expectConvergence(storeOfItsOwn(Store), operations, settle, { graph: socialTableOfItsOwn }),
      ),
      { numRuns: Number(process.env.NEWS_PROPERTY_RUNS ?? 15) },
    );
  }, 300_000);

  it('given authors that become large above a threshold of one follower and are pushed again at one, then the merged news equals the pure push model event for event and leaks nothing', async () => {
    await fc.assert(
      fc.asyncProperty(newsOperations, settleOrders, (operations, settle) =>
        expectConvergence(storeOfItsOwn(Store), operations, settle, {
          large: LARGE_AT_TWO_FOLLOWERS,
          graph: socialTableOfItsOwn,
        }),
      ),
      { numRuns: Number(process.env.NEWS_PROPERTY_RUNS ?? 15), examples: HYBRID_CASES },
    );
  }, 300_000);
});
