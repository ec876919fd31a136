import {
  answer,
  atom,
  cacheHeaders,
  failure,
  json,
  notModified,
  type Operations,
} from '../http/openapi-operation.ts';
import { pageQuery } from '../http/paging.ts';
import { newsPage } from './schemas.ts';

/** The OpenAPI description of the news context's route: what the people the caller follows did. */
export const newsOperations = {
  getNews: {
    summary: 'What the people the caller follows did to their public links, newest first',
    description:
      'Delivery is asynchronous, yet each event appears once. Private links never appear, not even for the moment ' +
      'after one is made private; a page may then hold fewer events than `limit`, and `next_token` goes on. ' +
      'Entries expire after 90 days.',
    query: pageQuery,
    responses: { '200': answer('A page of events', { content: json(newsPage) }) },
  },
  newsFeed: {
    summary: "The reader's newest 50 news events as an Atom feed",
    description:
      'For feed readers, which send no headers: the path is `/feeds/news/<token>.atom`, with a personal token ' +
      'of scope `feed` in place of `<token>`: a wider token is refused (403), since a URL is kept where a header ' +
      "is not. Private to the reader: only the reader's client may keep it, revalidating every time " +
      '(`no-cache`); `If-None-Match` with the `ETag` answers 304.',
    responses: {
      '200': answer('The feed', { content: atom(), headers: cacheHeaders }),
      '304': notModified,
      '401': failure('The path holds no valid token (`unauthorized`)'),
      '403': failure('The token is valid but of a scope other than `feed` (`insufficient_scope`)'),
      '404': failure('The path does not end with `.atom`'),
    },
  },
} satisfies Operations<'news'>;
