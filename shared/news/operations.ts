import { answer, json, type Operations } from '../http/openapi-operation.ts';
import { pageQuery } from '../http/paging.ts';
import { newsPage } from './schemas.ts';

/** The OpenAPI description of the news context's route: what the people the caller follows did. */
export const newsOperations = {
  getNews: {
    summary: 'What the people the caller follows did to their public links, newest first',
    description:
      'Delivery is asynchronous, yet each event appears once. Private links never appear; entries expire after ' +
      '90 days.',
    query: pageQuery,
    responses: { '200': answer('A page of events', { content: json(newsPage) }) },
  },
} satisfies Operations<'news'>;
