import { pageTokenKey } from '../aws/secrets.ts';
import { PublishedLinks } from '../links/published.ts';
import { PageTokens } from '../pagination.ts';
import { DynamoFollowStore } from '../social/dynamodb.ts';
import { FanOut, FeedWriter, News } from './core.ts';
import { DynamoFeedStore } from './dynamodb.ts';
import type { FollowCheck, FollowerDirectory } from './ports.ts';
import { SqsFeedQueue } from './sqs.ts';

/** The news context's cores wired to their adapters, once per cold start. */

/** The social context answers who follows an author, and since when. */
function followerDirectory(): FollowerDirectory {
  const follows = new DynamoFollowStore();
  return {
    async followers(author, after, pageSize) {
      const page = await follows.followers(author, after, pageSize);
      const last = page.follows.at(-1);
      return {
        readers: page.follows.map((follow) => ({ username: follow.follower, since: follow.since })),
        ...(page.hasMore && last ? { next: { since: last.since, username: last.follower } } : {}),
      };
    },
  };
}

/** The social context answers which readers still follow an author, under which follow. */
function followCheck(): FollowCheck {
  let follows: DynamoFollowStore | undefined;
  return {
    followedSince: (readers, author) => (follows ??= new DynamoFollowStore()).followedSince(readers, author),
  };
}

let fanOutInstance: FanOut | undefined;
export const fanOut = () => (fanOutInstance ??= new FanOut(followerDirectory(), new SqsFeedQueue()));

let writerInstance: FeedWriter | undefined;
export const feedWriter = () =>
  (writerInstance ??= new FeedWriter(new DynamoFeedStore(), new PublishedLinks(), followCheck()));

let newsInstance: News | undefined;
export const news = () => (newsInstance ??= new News(new DynamoFeedStore(), new PageTokens(pageTokenKey)));

/** Tests install a service over in-memory stores here; undefined restores the DynamoDB wiring. */
export function setNewsForTests(service: News | undefined): void {
  newsInstance = service;
}

/** Tests install a service over in-memory stores here; undefined restores the wiring. */
export function setFanOutForTests(service: FanOut | undefined): void {
  fanOutInstance = service;
}

/** Tests install a service over in-memory stores here; undefined restores the wiring. */
export function setFeedWriterForTests(service: FeedWriter | undefined): void {
  writerInstance = service;
}
