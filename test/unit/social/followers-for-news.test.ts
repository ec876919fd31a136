import { describe, expect, it } from 'vitest';
import { FollowersForNews, type FollowReads } from '../../../shared/social/followers-for-news.ts';
import type { Follow } from '../../../shared/social/model.ts';

/** The social graph's reads over a list of edges, newest first, paged as the followers index pages them. */
function followReadsOf(edges: Follow[]): FollowReads & { asked: unknown[][] } {
  const newestFirst = [...edges].sort((a, b) => b.since.localeCompare(a.since));
  return {
    asked: [],
    async followers(followed, after, pageSize) {
      const all = newestFirst.filter((edge) => edge.followed === followed);
      const start = after
        ? all.findIndex((edge) => edge.follower === after.username && edge.since === after.since) + 1
        : 0;
      return { follows: all.slice(start, start + pageSize), hasMore: start + pageSize < all.length };
    },
    async followsOf() {
      return new Map();
    },
    async counts() {
      return { followers: 0, following: 0 };
    },
    async endedFollows(followed, follows, aliveAt) {
      this.asked.push([followed, follows, aliveAt]);
      return new Set(
        follows
          .filter(
            (follow) =>
              !newestFirst.some(
                (edge) =>
                  edge.followed === followed &&
                  edge.follower === follow.username &&
                  edge.since === follow.since,
              ),
          )
          .map((follow) => follow.username),
      );
    },
  };
}

const edges: Follow[] = [
  { follower: 'ann', followed: 'bob', since: '2026-11-01T00:00:00.000Z' },
  { follower: 'cat', followed: 'bob', since: '2026-11-02T00:00:00.000Z' },
  { follower: 'dan', followed: 'bob', since: '2026-11-03T00:00:00.000Z' },
  { follower: 'bob', followed: 'ann', since: '2026-11-04T00:00:00.000Z' },
];

describe('FollowersForNews', () => {
  it('given an author with three followers, when news reads a page of two, then they come as readers with where the next page starts', async () => {
    const directory = new FollowersForNews(followReadsOf(edges));

    const page = await directory.followers('bob', undefined, 2);

    expect(page).toEqual({
      readers: [
        { username: 'dan', since: '2026-11-03T00:00:00.000Z' },
        { username: 'cat', since: '2026-11-02T00:00:00.000Z' },
      ],
      next: { since: '2026-11-02T00:00:00.000Z', username: 'cat' },
    });
  });

  it('given the position after a first page, when news reads on, then the last follower comes and no next page', async () => {
    const directory = new FollowersForNews(followReadsOf(edges));
    const first = await directory.followers('bob', undefined, 2);

    const rest = await directory.followers('bob', first.next, 2);

    expect(rest).toEqual({ readers: [{ username: 'ann', since: '2026-11-01T00:00:00.000Z' }] });
  });

  it('given readers of whom some still follow the author under the same follow, when news checks them, then the others are ended, asked once with the time they were alive', async () => {
    const reads = followReadsOf(edges);
    const checked = [
      { username: 'ann', since: '2026-11-01T00:00:00.000Z' },
      { username: 'eve', since: '2026-11-01T00:00:00.000Z' },
      { username: 'cat', since: '2026-10-01T00:00:00.000Z' },
    ];

    const ended = await new FollowersForNews(reads).ended('bob', checked, '2026-11-05T00:00:00.000Z');

    expect(ended).toEqual(new Set(['eve', 'cat']));
    expect(reads.asked).toEqual([['bob', checked, '2026-11-05T00:00:00.000Z']]);
  });
});
