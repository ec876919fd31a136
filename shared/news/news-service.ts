import { pageTokenKey } from '../aws/secrets.ts';
import { LinkVisibilityForNews } from '../links/visibility-for-news.ts';
import { PageTokens } from '../pagination.ts';
import { CachedLargeAuthorList, News } from './core.ts';
import { DynamoFeedStore, DynamoLargeAuthors } from './dynamodb.ts';
import { followers, timelines } from './stores.ts';

/**
 * News pages (GET /v1/news and the news Atom feed) wired to their adapters, once per cold start: apart from the
 * pipeline's cores (service.ts), whose queues and backfill reads these routes never use.
 */

let newsInstance: News | undefined;
export const news = () =>
  (newsInstance ??= new News(
    new DynamoFeedStore(),
    new PageTokens(pageTokenKey),
    new LinkVisibilityForNews(),
    {
      timelines: timelines(),
      registry: new CachedLargeAuthorList(new DynamoLargeAuthors()),
      audiences: followers(),
    },
  ));

/** Tests install a service over in-memory stores here; undefined restores the DynamoDB wiring. */
export function setNewsForTests(service: News | undefined): void {
  newsInstance = service;
}
