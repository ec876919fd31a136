import { route } from '../http/handler.ts';
import { validate } from '../http/validate.ts';
import { pageQuery } from '../http/paging.ts';
import { socialGraph } from './service.ts';

/** `GET /v1/following` and `GET /v1/followers`: the same page shape, two directions of the edge. */
export function followListHandler(direction: 'following' | 'followers') {
  return route(direction === 'following' ? 'listFollowing' : 'listFollowers', async (request, caller) => {
    const query = validate(pageQuery, request.query);
    const listing = await socialGraph()[direction](caller.username, query.limit, query.start_token);
    return { status: 200, body: { users: listing.users, next_token: listing.nextToken } };
  });
}
