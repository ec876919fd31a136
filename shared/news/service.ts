import { pageTokenKey } from '../aws/secrets.ts';
import { PublishedLinks } from '../links/published.ts';
import { PageTokens } from '../pagination.ts';
import { DynamoFollowStore } from '../social/dynamodb.ts';
import { FollowersForNews } from '../social/followers-for-news.ts';
import { config } from '../config.ts';
import { FAN_OUT_SIZE } from '../wiring.ts';
import {
  audienceBounds,
  CachedLargeAuthorList,
  FanOut,
  FeedWriter,
  LARGE_AUTHORS_CACHE_MS,
  LargeAudiences,
  News,
} from './core.ts';
import { DynamoFeedStore, DynamoLargeAuthors, timelinePartition } from './dynamodb.ts';
import { SqsFeedQueue } from './sqs.ts';

/** The news context's cores wired to their adapters, once per cold start. */

/** The social context answers who follows an author, and who still does, through its adapter for news. */
const followers = () => new FollowersForNews(new DynamoFollowStore());

/** Authors' timelines: the same table and items as readers' feeds, under partitions of their own. */
const timelines = () => new DynamoFeedStore(undefined, undefined, timelinePartition);

/**
 * A new large author is still pushed until every news page's copy of the registry lists them: the copies' lifetime,
 * plus the longest the enlisting write can take (the fan-out function's timeout).
 */
const LISTING_TAKES_EFFECT_MS = LARGE_AUTHORS_CACHE_MS + FAN_OUT_SIZE.timeoutSeconds * 1000;

let fanOutInstance: FanOut | undefined;
export const fanOut = () =>
  (fanOutInstance ??= new FanOut(
    followers(),
    new SqsFeedQueue(),
    undefined,
    undefined,
    new LargeAudiences(
      timelines(),
      new DynamoLargeAuthors(),
      followers(),
      audienceBounds(config().NEWS_LARGE_AUTHOR_FOLLOWERS),
      undefined,
      LISTING_TAKES_EFFECT_MS,
    ),
  ));

let writerInstance: FeedWriter | undefined;
export const feedWriter = () =>
  (writerInstance ??= new FeedWriter(new DynamoFeedStore(), new PublishedLinks(), followers()));

let newsInstance: News | undefined;
export const news = () =>
  (newsInstance ??= new News(new DynamoFeedStore(), new PageTokens(pageTokenKey), new PublishedLinks(), {
    timelines: timelines(),
    registry: new CachedLargeAuthorList(new DynamoLargeAuthors()),
    audiences: followers(),
  }));

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
