import { describe, expect, it } from 'vitest';
import { FeedWriter } from '../../../shared/news/core.ts';
import { linkEvent, linkRevision, type FeedChange, type Reader } from '../../../shared/news/model.ts';
import type { RecentLink } from '../../../shared/news/ports.ts';
import { followCheckOver } from '../../support/follow-check.ts';
import { MemoryFeedStore } from '../support/memory-feeds.ts';

const created = '2026-11-23T18:00:00.000Z';
const url = 'https://go.dev/';
const added = linkEvent('link_added', 'bob', url, 'Go', created);
const bobAdds: FeedChange = { kind: 'publish', event: added, revision: linkRevision(created, 1) };
const bobHides: FeedChange = { kind: 'retract', author: 'bob', url, revision: linkRevision(created, 2) };
const bobPublishesAgain: FeedChange = {
  kind: 'publish',
  event: linkEvent('link_added', 'bob', url, 'Go', '2026-11-23T18:03:00.000Z'),
  revision: linkRevision(created, 3),
};
const aliceSince = (since: string): Reader => ({ username: 'alice', since });
const followedEarlier = aliceSince('2026-11-23T17:00:00.000Z');

/** A writer over an in-memory feed; `follows` says who follows bob now, and since when. */
function writerWith(follows: Map<string, string>, recent: RecentLink[] = []) {
  const feeds = new MemoryFeedStore();
  const writer = new FeedWriter(
    feeds,
    { recentPublic: async () => recent },
    followCheckOver((reader) => follows.get(reader)),
    () => new Date('2026-11-24T00:00:00.000Z'),
  );
  // The events alice's feed holds, without the revisions the store keeps beside them.
  const news = async () =>
    (await feeds.newest('alice', {}, 100)).map(({ revision: _revision, ...event }) => event);
  return { writer, news };
}

describe('writing link changes into feeds', () => {
  it('given alice follows bob, when his add arrives twice, then her feed holds it once', async () => {
    const { writer, news } = writerWith(new Map([['alice', followedEarlier.since]]));

    await writer.apply({ change: bobAdds, readers: [followedEarlier] });
    await writer.apply({ change: bobAdds, readers: [followedEarlier] });

    expect(await news()).toEqual([added]);
  });

  it('given bob made his link private, when the retraction arrives before the add, then the add never lands', async () => {
    const { writer, news } = writerWith(new Map([['alice', followedEarlier.since]]));

    await writer.apply({ change: bobHides, readers: [followedEarlier] });
    await writer.apply({ change: bobAdds, readers: [followedEarlier] });

    expect(await news()).toEqual([]);
  });

  it('given a retracted link, when bob makes it public again, then it is back, dated when it became public', async () => {
    const { writer, news } = writerWith(new Map([['alice', followedEarlier.since]]));

    await writer.apply({ change: bobHides, readers: [followedEarlier] });
    await writer.apply({ change: bobPublishesAgain, readers: [followedEarlier] });
    await writer.apply({ change: bobAdds, readers: [followedEarlier] });

    expect((await news()).map((event) => event.timestamp)).toEqual(['2026-11-23T18:03:00.000Z']);
  });

  it('given alice followed bob after he added the link, then the fan-out leaves her feed to the backfill', async () => {
    const { writer, news } = writerWith(new Map([['alice', '2026-11-23T19:00:00.000Z']]));

    await writer.apply({ change: bobAdds, readers: [aliceSince('2026-11-23T19:00:00.000Z')] });

    expect(await news()).toEqual([]);
  });
});

describe('following and unfollowing', () => {
  const recent: RecentLink[] = [
    { url, title: 'Go', publishedAt: created, revision: linkRevision(created, 1) },
  ];

  it('given alice follows bob, then she gets his recent public links as added, dated when they became public', async () => {
    const { writer, news } = writerWith(new Map([['alice', followedEarlier.since]]), recent);

    const written = await writer.followed(followedEarlier, 'bob');

    expect(await news()).toMatchObject([{ type: 'link_added', author: 'bob', url, timestamp: created }]);
    expect(written).toBe(1);
  });

  it('given alice unfollows bob, then his entries of that follow leave her feed', async () => {
    const follows = new Map([['alice', followedEarlier.since]]);
    const { writer, news } = writerWith(follows, recent);
    await writer.followed(followedEarlier, 'bob');

    follows.delete('alice');
    await writer.unfollowed(followedEarlier, 'bob');

    expect(await news()).toEqual([]);
  });

  it('given an event on its way when alice unfollowed, when it lands after the sweep, then the writer takes it back', async () => {
    const { writer, news } = writerWith(new Map());
    await writer.unfollowed(followedEarlier, 'bob');

    await writer.apply({ change: bobAdds, readers: [followedEarlier] });

    expect(await news()).toEqual([]);
  });

  it('given alice followed bob again, when the sweep of her first follow runs late, then the new follow keeps its entries', async () => {
    const again = aliceSince('2026-11-23T20:00:00.000Z');
    const { writer, news } = writerWith(new Map([['alice', again.since]]), recent);
    await writer.followed(again, 'bob');

    await writer.unfollowed(followedEarlier, 'bob');

    expect(await news()).toHaveLength(1);
  });
});
