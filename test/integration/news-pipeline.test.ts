import { describe, expect, it } from 'vitest';
import { invoke } from '../../local/functions.ts';
import { DynamoLinkStore } from '../../shared/links/store.ts';
import { DynamoFeedStore } from '../../shared/news/dynamodb.ts';
import { DynamoFollowStore } from '../../shared/social/dynamodb.ts';
import { aLink } from '../support/builders.ts';
import { useDrivenRuntime } from '../support/pipeline.ts';

/**
 * The news pipeline on the real engines, driven by hand instead of by the pollers: the real stream records of
 * real writes go through the real handlers, and messages are delivered twice to prove the feeds stay exact.
 */
const driven = useDrivenRuntime();

describe('the news pipeline on DynamoDB Local and the SQS emulator', () => {
  it('given two followers, when a link is added and every step runs twice, then each feed holds the event exactly once', async () => {
    const follows = new DynamoFollowStore(driven.runtime.tableNames.social);
    await follows.add({ follower: 'alice', followed: 'bob', since: '2026-11-23T18:00:00.000Z' });
    await follows.add({ follower: 'carol', followed: 'bob', since: '2026-11-23T18:00:01.000Z' });
    await new DynamoLinkStore(driven.runtime.tableNames.links).insert(
      aLink({ username: 'bob', url: 'https://go.dev/', created_at: new Date().toISOString() }),
      10,
    );

    const records = (await driven.probe.streamRecords(driven.runtime.tableNames.links)).filter(
      (r) => r.eventName === 'INSERT',
    );
    expect(records.length).toBeGreaterThan(0);
    // A stream batch retried after a crash: the fan-out runs twice on the same records.
    for (let i = 0; i < 2; i++) {
      expect(await invoke('fanOutLinkEvents', { Records: records })).toEqual({ batchItemFailures: [] });
    }
    const messages = await driven.probe.drain(driven.runtime.queueUrls.feedWrites);
    expect(messages).toHaveLength(2);
    // Each message redelivered once more, as SQS may.
    for (const message of [...messages, ...messages]) {
      expect(await invoke('writeFeeds', { Records: [message] })).toEqual({ batchItemFailures: [] });
    }

    const feeds = new DynamoFeedStore(driven.runtime.tableNames.feeds);
    for (const reader of ['alice', 'carol']) {
      const events = await feeds.newest(reader, {}, 10);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'link_added', author: 'bob', url: 'https://go.dev/' });
    }
    expect(await feeds.newest('bob', {}, 10)).toEqual([]);
  });

  it('given a counters change only, then the fan-out sends nothing', async () => {
    const records = (await driven.probe.streamRecords(driven.runtime.tableNames.links)).filter((r) =>
      String(r.dynamodb?.Keys?.sk?.S).startsWith('COUNTERS'),
    );
    expect(records.length).toBeGreaterThan(0);

    await invoke('fanOutLinkEvents', { Records: records });

    expect(await driven.probe.drain(driven.runtime.queueUrls.feedWrites)).toEqual([]);
  });
});
