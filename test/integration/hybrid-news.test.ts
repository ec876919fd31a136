import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FanOut, FeedWriter, LargeAudiences, News } from '../../shared/news/core.ts';
import { DynamoFeedStore, DynamoLargeAuthors, timelinePartition } from '../../shared/news/dynamodb.ts';
import type { FanOutContinuation, FeedWrite } from '../../shared/news/messages.ts';
import { linkEvent, linkRevision, type FeedChange } from '../../shared/news/model.ts';
import { PageTokens } from '../../shared/pagination.ts';
import { DynamoFollowStore } from '../../shared/social/dynamodb.ts';
import { FollowersForNews } from '../../shared/social/followers-for-news.ts';
import { everyLinkPublic, LARGE_AT_TWO_FOLLOWERS } from '../support/news-world.ts';
import { createTestTables, type TestTables } from '../support/tables.ts';

/**
 * The hybrid fan-out on DynamoDB Local, large above one follower: the counters item decides, the
 * registry item lists, the timeline partition records, and a news page merges it with the reader's feed.
 */
let tables: TestTables;

beforeAll(async () => {
  tables = await createTestTables(inject('dynamoDbEndpoint'), 'hybrid');
});
afterAll(() => tables?.destroy());

const T0 = Date.parse('2026-11-10T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function pipeline() {
  const { feeds: feedsTable, social } = tables.names;
  const follows = new DynamoFollowStore(social, tables.db);
  const audiences = new FollowersForNews(follows);
  const feeds = new DynamoFeedStore(feedsTable, tables.db);
  const timelines = new DynamoFeedStore(feedsTable, tables.db, timelinePartition);
  const registry = new DynamoLargeAuthors(feedsTable, tables.db);
  const large = new LargeAudiences(
    timelines,
    registry,
    audiences,
    LARGE_AT_TWO_FOLLOWERS,
    () => new Date(at(60)),
  );
  const writes: FeedWrite[] = [];
  const fanOut = new FanOut(
    audiences,
    {
      sendFeedWrites: async (batch: FeedWrite[]) => void writes.push(...batch),
      sendContinuation: async (_next: FanOutContinuation) => {},
    },
    undefined,
    undefined,
    large,
  );
  const writer = new FeedWriter(feeds, { recentPublic: async () => [] }, audiences, () => new Date(at(60)));
  const news = new News(feeds, new PageTokens(async () => Buffer.alloc(32, 3)), everyLinkPublic, {
    timelines,
    registry,
    audiences,
  });
  const publish = async (change: FeedChange) => {
    await fanOut.run(change);
    const pushed = writes.splice(0);
    for (const write of pushed) await writer.apply(write);
    return pushed.length;
  };
  const newsOf = async (reader: string) => (await news.page(reader, 10)).events.map((event) => event.url);
  return { follows, registry, publish, newsOf, feeds, writer, news };
}

const adds = (author: string, n: number, minutes: number): FeedChange => ({
  kind: 'publish',
  event: linkEvent('link_added', author, `https://${author}.example/${n}`, '', at(minutes)),
  revision: linkRevision(at(minutes), 1),
});

describe('hybrid news on DynamoDB Local', () => {
  it('given zed has two followers, above the threshold of one, when he adds links, then no feed is written and both read them; when one leaves, then he is pushed again and the other still reads everything', async () => {
    const { follows, registry, publish, newsOf, feeds, writer } = pipeline();
    await follows.add({ follower: 'amy', followed: 'zed', since: at(0) });
    expect(await publish(adds('zed', 1, 1))).toBe(1);

    await follows.add({ follower: 'ben', followed: 'zed', since: at(2) });
    expect(await publish(adds('zed', 2, 3))).toBe(0);
    expect(await registry.list()).toEqual([{ author: 'zed', listedAt: at(60) }]);
    expect(await feeds.newest('ben', {}, 10)).toEqual([]);
    expect(await newsOf('amy')).toEqual(['https://zed.example/2', 'https://zed.example/1']);
    expect(await newsOf('ben')).toEqual(['https://zed.example/2']);

    await follows.remove('amy', 'zed');
    await writer.unfollowed({ username: 'amy', since: at(0) }, 'zed'); // what the social stream runs
    expect(await publish(adds('zed', 3, 4))).toBe(1);
    expect(await registry.list()).toEqual([{ author: 'zed', listedAt: at(60), endedAt: at(60) }]);
    expect(await newsOf('ben')).toEqual(['https://zed.example/3', 'https://zed.example/2']);
    expect(await newsOf('amy')).toEqual([]);
  });

  it('given kim followed pat long before zed, a large author, when she pages her news one event at a time past the start of her follow of zed, then every page answers and together they hold everything', async () => {
    const { follows, publish, news } = pipeline();
    await follows.add({ follower: 'kim', followed: 'pat', since: at(0) });
    await publish(adds('pat', 1, 1));
    await publish(adds('pat', 2, 2));
    await follows.add({ follower: 'lou', followed: 'zed', since: at(0) });
    await follows.add({ follower: 'kim', followed: 'zed', since: at(10) });
    expect(await publish(adds('zed', 1, 11))).toBe(0);

    const urls: string[] = [];
    let token: string | undefined;
    do {
      const page = await news.page('kim', 1, token);
      urls.push(...page.events.map((event) => event.url));
      token = page.nextToken ?? undefined;
    } while (token);

    expect(urls).toEqual(['https://zed.example/1', 'https://pat.example/2', 'https://pat.example/1']);
  });

  it('given a retraction by a large author, when the timeline records it, then the event leaves the news at once', async () => {
    const { follows, publish, newsOf } = pipeline();
    await follows.add({ follower: 'cy', followed: 'max', since: at(0) });
    await follows.add({ follower: 'dee', followed: 'max', since: at(0) });
    await publish(adds('max', 1, 5));
    expect(await newsOf('cy')).toEqual(['https://max.example/1']);

    await publish({
      kind: 'retract',
      author: 'max',
      url: 'https://max.example/1',
      revision: linkRevision(at(5), 2),
    });

    expect(await newsOf('cy')).toEqual([]);
  });
});
