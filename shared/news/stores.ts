import { DynamoFollowStore } from '../social/dynamodb.ts';
import { FollowersForNews } from '../social/followers-for-news.ts';
import { DynamoFeedStore, timelinePartition } from './dynamodb.ts';

/** Adapters that both of the news context's composition roots (service.ts, news-service.ts) wire in. */

/** The social context answers who follows an author, and who still does, through its adapter for news. */
export const followers = () => new FollowersForNews(new DynamoFollowStore());

/** Authors' timelines: the same table and items as readers' feeds, under partitions of their own. */
export const timelines = () => new DynamoFeedStore(undefined, undefined, timelinePartition);
