import * as z from 'zod';
import { answer, bodyOf, failure, json, type Operations } from '../http/openapi-operation.ts';
import { pageQuery } from '../http/paging.ts';
import { timestampSchema } from '../http/schemas.ts';
import { publicUsernameSchema } from '../users/model.ts';
import { followListing, followRequest, unfollowQuery } from './schemas.ts';

/** The OpenAPI descriptions of the social context's routes: whom the caller follows, and who follows them. */
export const socialOperations = {
  follow: {
    summary: 'Follow a user',
    description:
      "The name comes as `username`, or as the original clients' `followed`. Their recent public link events " +
      'then come into the news.',
    requestBody: bodyOf(followRequest),
    responses: {
      '201': answer('Following', {
        content: json(
          z.object({ username: publicUsernameSchema, since: timestampSchema }).meta({ id: 'Follow' }),
        ),
      }),
      '404': failure('No such user'),
      '409': failure('Already following (`already_following`)'),
    },
  },
  // Served under two paths: with the name in the path, or (for the original clients) in the query or body.
  unfollow: (route) => ({
    summary: 'Stop following a user',
    description: route.path.includes('{username}')
      ? 'Their events stop appearing in the news.'
      : "The name comes as `?username=`, or in the original clients' body as `followed` (or `username`); " +
        'the body wins. Their events stop appearing in the news.',
    ...(route.path.includes('{username}')
      ? {}
      : {
          query: unfollowQuery,
          requestBody: bodyOf(followRequest, 'The name, instead of the query string.', false),
        }),
    responses: { '204': answer('Unfollowed'), '404': failure('Not following') },
  }),
  listFollowing: {
    summary: 'Whom the caller follows, newest first',
    description: 'Each user with when the caller followed them; page with `next_token`.',
    query: pageQuery,
    responses: { '200': answer('A page of users', { content: json(followListing) }) },
  },
  listFollowers: {
    summary: 'Who follows the caller, newest first',
    description: 'Each user with when they followed the caller; page with `next_token`.',
    query: pageQuery,
    responses: { '200': answer('A page of users', { content: json(followListing) }) },
  },
} satisfies Operations<'social'>;
