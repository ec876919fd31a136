import { AlreadyFollowing, InvalidRequest, NotFound } from '../errors.ts';
import type { PageTokens } from '../pagination.ts';
import { followPositionSchema, type Follow, type FollowPosition } from './model.ts';
import type { FollowPage, FollowStore, UserDirectory } from './ports.ts';

export interface FollowListing {
  users: FollowPosition[];
  nextToken: string | null;
}

/** The social graph: who follows whom. Plain TypeScript; storage and the user directory come in through ports. */
export class SocialGraph {
  constructor(
    private readonly store: FollowStore,
    private readonly users: UserDirectory,
    private readonly pageTokens: PageTokens,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async follow(follower: string, followed: string): Promise<Follow> {
    if (follower === followed) {
      throw new InvalidRequest('You cannot follow yourself.', { username: 'cannot be yourself' });
    }
    if (!(await this.users.exists(followed))) throw new NotFound(`There is no user ${followed}.`);
    const follow = { follower, followed, since: this.now().toISOString() };
    if (!(await this.store.add(follow))) throw new AlreadyFollowing(`You already follow ${followed}.`);
    return follow;
  }

  async unfollow(follower: string, followed: string): Promise<void> {
    // Nobody follows themselves, and the store's transaction cannot count one user twice.
    if (follower === followed) {
      throw new InvalidRequest('You cannot unfollow yourself.', { username: 'cannot be yourself' });
    }
    if (!(await this.store.remove(follower, followed))) throw new NotFound(`You do not follow ${followed}.`);
  }

  following(username: string, limit: number, startToken?: string): Promise<FollowListing> {
    return this.page('following', username, limit, startToken, (after, size) =>
      this.store.following(username, after, size),
    );
  }

  followers(username: string, limit: number, startToken?: string): Promise<FollowListing> {
    return this.page('followers', username, limit, startToken, (after, size) =>
      this.store.followers(username, after, size),
    );
  }

  private async page(
    list: 'following' | 'followers',
    owner: string,
    limit: number,
    startToken: string | undefined,
    fetch: (after: FollowPosition | undefined, pageSize: number) => Promise<FollowPage>,
  ): Promise<FollowListing> {
    const after = startToken
      ? await this.pageTokens.open(startToken, list, owner, followPositionSchema)
      : undefined;
    const { follows } = await fetch(after, limit + 1);
    const page = follows.slice(0, limit);
    const other = (follow: Follow) => (list === 'following' ? follow.followed : follow.follower);
    const users = page.map((follow) => ({ username: other(follow), since: follow.since }));
    const last = users.at(-1);
    return {
      users,
      nextToken: follows.length > limit && last ? await this.pageTokens.seal(list, owner, last) : null,
    };
  }
}
