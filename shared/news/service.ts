import { pageTokenKey } from '../aws/secrets.ts';
import { DynamoLinkStore } from '../links/dynamodb.ts';
import { linkRevision } from './model.ts';
import { PageTokens } from '../pagination.ts';
import { DynamoFollowStore } from '../social/dynamodb.ts';
import { FollowersForNews } from '../social/followers-for-news.ts';
import { FanOut, FeedWriter, News } from './core.ts';
import { DynamoFeedStore } from './dynamodb.ts';
import type { RecentLinks } from './ports.ts';
import { SqsFeedQueue } from './sqs.ts';

/** The news context's cores wired to their adapters, once per cold start. */

/** The links context answers with an author's recent public links. */
function recentLinks(): RecentLinks {
  const links = new DynamoLinkStore();
  return {
    async recentPublic(author, count) {
      const recent = await links.recentPublic(author, count);
      return recent.map((link) => ({
        url: link.url,
        title: link.title,
        publishedAt: link.publishedAt ?? link.createdAt,
        revision: linkRevision(link.createdAt, link.version),
      }));
    },
  };
}

/** The social context answers who follows an author, and who still does, through its adapter for news. */
const followers = () => new FollowersForNews(new DynamoFollowStore());

let fanOutInstance: FanOut | undefined;
export const fanOut = () => (fanOutInstance ??= new FanOut(followers(), new SqsFeedQueue()));

let writerInstance: FeedWriter | undefined;
export const feedWriter = () =>
  (writerInstance ??= new FeedWriter(new DynamoFeedStore(), recentLinks(), followers()));

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
