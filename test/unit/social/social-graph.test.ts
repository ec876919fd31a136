import { describe, expect, it } from 'vitest';
import { PageTokens } from '../../../shared/pagination.ts';
import { SocialGraph } from '../../../shared/social/core.ts';
import type { Follow, FollowPosition } from '../../../shared/social/model.ts';
import type { FollowPage, FollowStore } from '../../../shared/social/ports.ts';
import { UsersForSocial } from '../../../shared/users/users-for-social.ts';
import { aUser } from '../../support/builders.ts';

/** Follow edges in memory, listed newest first from a position as the table's two indexes list them. */
class MemoryFollowStore implements FollowStore {
  readonly edges: Follow[] = [];

  async add(follow: Follow): Promise<boolean> {
    if (this.edges.some((edge) => edge.follower === follow.follower && edge.followed === follow.followed))
      return false;
    this.edges.push(follow);
    return true;
  }

  async remove(follower: string, followed: string): Promise<boolean> {
    const index = this.edges.findIndex((edge) => edge.follower === follower && edge.followed === followed);
    if (index < 0) return false;
    this.edges.splice(index, 1);
    return true;
  }

  async following(follower: string, after: FollowPosition | undefined, pageSize: number) {
    return this.list(
      (edge) => edge.follower === follower,
      (edge) => edge.followed,
      after,
      pageSize,
    );
  }

  async followers(followed: string, after: FollowPosition | undefined, pageSize: number) {
    return this.list(
      (edge) => edge.followed === followed,
      (edge) => edge.follower,
      after,
      pageSize,
    );
  }

  async counts() {
    return { followers: 0, following: 0 };
  }

  private list(
    matches: (edge: Follow) => boolean,
    other: (edge: Follow) => string,
    after: FollowPosition | undefined,
    pageSize: number,
  ): FollowPage {
    const position = (edge: Follow) => `${edge.since}#${other(edge)}`;
    const newestFirst = this.edges.filter(matches).sort((a, b) => position(b).localeCompare(position(a)));
    const rest = after
      ? newestFirst.filter((edge) => position(edge) < `${after.since}#${after.username}`)
      : newestFirst;
    return { follows: rest.slice(0, pageSize), hasMore: rest.length > pageSize };
  }
}

const users = ['bob', 'cat', 'dan', 'eve'].map((username) => aUser({ username }));

/** A graph whose clock moves one minute per follow, so that each edge has its own `since`. */
function aGraph() {
  let minute = 0;
  const store = new MemoryFollowStore();
  const graph = new SocialGraph(
    store,
    new UsersForSocial({ get: async (name) => users.find((user) => user.username === name) }),
    new PageTokens(async () => Buffer.alloc(32, 7)),
    () => new Date(Date.UTC(2026, 10, 1, 0, minute++)),
  );
  return { graph, store };
}

describe('SocialGraph listings', () => {
  it('given alice follows three users, when she lists whom she follows two at a time, then the token resumes after the last one listed', async () => {
    const { graph } = aGraph();
    for (const followed of ['bob', 'cat', 'dan']) await graph.follow('alice', followed);

    const first = await graph.following('alice', 2);
    const second = await graph.following('alice', 2, first.nextToken!);

    expect(first.users).toEqual([
      { username: 'dan', since: '2026-11-01T00:02:00.000Z' },
      { username: 'cat', since: '2026-11-01T00:01:00.000Z' },
    ]);
    expect(second).toEqual({
      users: [{ username: 'bob', since: '2026-11-01T00:00:00.000Z' }],
      nextToken: null,
    });
  });

  it("given three followers of bob, when bob's followers are paged with a token of his following list, then it is refused", async () => {
    const { graph } = aGraph();
    for (const follower of ['cat', 'dan', 'eve']) await graph.follow(follower, 'bob');
    const followers = await graph.followers('bob', 2);

    expect(followers.users.map((user) => user.username)).toEqual(['eve', 'dan']);
    await expect(graph.following('bob', 2, followers.nextToken!)).rejects.toThrow();
  });

  it('given no such user, when alice follows them, then it is not found and no edge is stored', async () => {
    const { graph, store } = aGraph();

    await expect(graph.follow('alice', 'mallory')).rejects.toThrow(/no user mallory/);
    expect(store.edges).toEqual([]);
  });
});
