import { describe, expect, it } from 'vitest';
import { FeedWriter, UNFOLLOW_SWEEP_DELAY_SECONDS } from '../../../shared/news/core.ts';
import { linkEvent } from '../../../shared/news/model.ts';
import type { FeedEntry, FeedStore, FeedWrite } from '../../../shared/news/ports.ts';

/** A feed store that records what was asked of it. */
function recordingFeeds() {
  const removed: { reader: string; author: string; url?: string }[] = [];
  const written: FeedEntry[] = [];
  const store: FeedStore = {
    putAll: async (entries) => void written.push(...entries),
    removeByAuthor: async (reader, author, url) =>
      void removed.push({ reader, author, ...(url ? { url } : {}) }),
    page: async () => [],
  };
  return { store, removed, written };
}

function writerWith(following: Set<string>) {
  const feeds = recordingFeeds();
  const scheduled: { writes: FeedWrite[]; delaySeconds: number | undefined }[] = [];
  const writer = new FeedWriter(
    feeds.store,
    { recentPublicEvents: async () => [] },
    { isFollowing: async (follower, followed) => following.has(`${follower}->${followed}`) },
    { sendFeedWrites: async (writes, delaySeconds) => void scheduled.push({ writes, delaySeconds }) },
  );
  return { writer, feeds, scheduled };
}

describe('unfollowing', () => {
  it("given alice unfollows bob, then bob's entries leave her feed now and a second sweep is scheduled", async () => {
    const { writer, feeds, scheduled } = writerWith(new Set());

    await writer.unfollowed('alice', 'bob');

    expect(feeds.removed).toEqual([{ reader: 'alice', author: 'bob' }]);
    expect(scheduled).toEqual([
      {
        writes: [{ change: { kind: 'unfollowed', author: 'bob' }, followers: ['alice'] }],
        delaySeconds: UNFOLLOW_SWEEP_DELAY_SECONDS,
      },
    ]);
  });

  it('given an event that landed after the unfollow, when the second sweep runs, then it is removed too', async () => {
    const { writer, feeds } = writerWith(new Set());
    const late = linkEvent('link_added', 'bob', 'https://late.example/', 'Late', new Date().toISOString());
    await writer.apply({ change: { kind: 'publish', event: late }, followers: ['alice'] });

    await writer.apply({ change: { kind: 'unfollowed', author: 'bob' }, followers: ['alice'] });

    expect(feeds.written).toHaveLength(1);
    expect(feeds.removed).toEqual([{ reader: 'alice', author: 'bob' }]);
  });

  it('given alice followed bob again before the sweep, then the sweep leaves her feed alone', async () => {
    const { writer, feeds } = writerWith(new Set(['alice->bob']));

    await writer.apply({ change: { kind: 'unfollowed', author: 'bob' }, followers: ['alice'] });

    expect(feeds.removed).toEqual([]);
  });
});
