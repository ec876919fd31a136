import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expectConvergence,
  HYBRID_CASES,
  LARGE_AT_TWO_FOLLOWERS,
  NewsWorld,
  newsOperations,
  settleOrders,
} from '../../support/news-world.ts';
import { MemoryFeedStore } from '../support/memory-feeds.ts';

/**
 * Model-based: sequences of link operations and follows, with the pipeline's deliveries run in arbitrary order,
 * duplicated, and crashed between any two steps, settle to the same news as delivering everything at once and
 * in order; and no feed ever shows an add or update of a link that is private or deleted, or an author the
 * reader does not follow. The store here is the feeds table's semantics in memory; the same property runs on
 * DynamoDB Local in test/integration/feed-convergence.test.ts.
 */
describe('news converges whatever the order of deliveries', () => {
  it('given any operations, when deliveries run out of order, twice, and crash midway, then the settled news equals in-order delivery and leaks nothing', async () => {
    await fc.assert(
      fc.asyncProperty(newsOperations, settleOrders, (operations, settle) =>
        expectConvergence((step) => new MemoryFeedStore(step), operations, settle),
      ),
      { numRuns: Number(process.env.NEWS_PROPERTY_RUNS ?? 300) },
    );
  }, 600_000);

  it('given authors that become large above a threshold of one follower and are pushed again at one, when deliveries run out of order, twice, and crash midway, then the merged news equals the pure push model event for event and leaks nothing', async () => {
    await fc.assert(
      fc.asyncProperty(newsOperations, settleOrders, (operations, settle) =>
        expectConvergence((step) => new MemoryFeedStore(step), operations, settle, {
          large: LARGE_AT_TWO_FOLLOWERS,
        }),
      ),
      { numRuns: Number(process.env.NEWS_PROPERTY_RUNS ?? 300), examples: HYBRID_CASES },
    );
  }, 600_000);

  it('given bob follows alice, when she adds 12 links and makes each private right after, and each retraction lands before its add, then nothing remains', async () => {
    const world = new NewsWorld((step) => new MemoryFeedStore(step));
    await world.apply({ op: 'follow', user: 1, other: 0 });
    await world.settle();
    for (let link = 0; link < 12; link++) {
      await world.apply({ op: 'add', user: 0, link, private: false });
      await world.apply({ op: 'setPrivate', user: 0, link, private: true });
    }

    // Newest first: each retraction is delivered before the add it follows.
    while (world.pending.length > 0)
      await world.apply({
        op: 'deliver',
        pick: world.pending.length - 1,
        duplicate: false,
        crashAfter: null,
      });

    expect(await world.news()).toEqual([]);
  });
});
