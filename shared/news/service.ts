import { PublishedLinks } from '../links/published.ts';
import { config } from '../config.ts';
import { FAN_OUT_SIZE } from '../wiring.ts';
import { audienceBounds, FanOut, FeedWriter, LARGE_AUTHORS_CACHE_MS, LargeAudiences } from './core.ts';
import { DynamoLargeAuthors, ExclusiveFeedStore } from './dynamodb.ts';
import type { FollowChangeQueue } from './ports.ts';
import { SqsFeedQueue } from './sqs.ts';
import { followers, timelines } from './stores.ts';

/**
 * The news pipeline's cores (the fan-out and the feed writer) wired to their adapters, once per cold start. News
 * pages are wired apart (news-service.ts), so that the news routes load neither the queues nor the links read
 * for backfills.
 */

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
  (writerInstance ??= new FeedWriter(new ExclusiveFeedStore(), new PublishedLinks(), followers()));

let followChangeQueueInstance: FollowChangeQueue | undefined;
/** Where the social stream's consumer sends follows begun and ended: the feed-write queue. */
export const followChangeQueue = () => (followChangeQueueInstance ??= new SqsFeedQueue());

/** Tests install a queue here; undefined restores the wiring. */
export function setFollowChangeQueueForTests(queue: FollowChangeQueue | undefined): void {
  followChangeQueueInstance = queue;
}

/** Tests install a service over in-memory stores here; undefined restores the wiring. */
export function setFanOutForTests(service: FanOut | undefined): void {
  fanOutInstance = service;
}

/** Tests install a service over in-memory stores here; undefined restores the wiring. */
export function setFeedWriterForTests(service: FeedWriter | undefined): void {
  writerInstance = service;
}
