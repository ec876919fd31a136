import { pageTokenKey } from '../aws/secrets.ts';
import { DynamoLinkStore } from '../links/dynamodb.ts';
import { linkEvent } from './model.ts';
import { PageTokens } from '../pagination.ts';
import { DynamoFollowStore } from '../social/dynamodb.ts';
import { FanOut, FeedWriter, News } from './core.ts';
import { DynamoFeedStore } from './dynamodb.ts';
import type { FollowerDirectory, RecentLinks } from './ports.ts';
import { SqsFeedQueue } from './sqs.ts';

/** The news context's cores wired to their adapters, once per cold start. */

/** The social context answers who follows an author. */
function followerDirectory(): FollowerDirectory {
  const follows = new DynamoFollowStore();
  return {
    async followers(author, after, pageSize) {
      const page = await follows.followers(author, after, pageSize);
      const last = page.follows.at(-1);
      return {
        usernames: page.follows.map((follow) => follow.follower),
        ...(page.hasMore && last ? { next: { since: last.since, username: last.follower } } : {}),
      };
    },
  };
}

/** The links context answers with an author's recent public links. */
function recentLinks(): RecentLinks {
  const links = new DynamoLinkStore();
  return {
    async recentPublicEvents(author, count) {
      const recent = await links.recentPublic(author, count);
      return recent.map((link) =>
        linkEvent('link_added', link.username, link.url, link.title, link.createdAt),
      );
    },
  };
}

let fanOutInstance: FanOut | undefined;
export const fanOut = () => (fanOutInstance ??= new FanOut(followerDirectory(), new SqsFeedQueue()));

let writerInstance: FeedWriter | undefined;
export const feedWriter = () => {
  if (!writerInstance) {
    let follows: DynamoFollowStore | undefined;
    writerInstance = new FeedWriter(
      new DynamoFeedStore(),
      recentLinks(),
      // The social context answers whether a reader follows an author again by the time of the sweep.
      {
        isFollowing: (follower, followed) =>
          (follows ??= new DynamoFollowStore()).isFollowing(follower, followed),
      },
      new SqsFeedQueue(),
    );
  }
  return writerInstance;
};

let newsInstance: News | undefined;
export const news = () => (newsInstance ??= new News(new DynamoFeedStore(), new PageTokens(pageTokenKey)));
