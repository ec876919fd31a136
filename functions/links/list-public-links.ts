import { route } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';
import { publicLinksQuery, toLinkResponse } from '../../shared/links/schemas.ts';
import { publicLinks } from '../../shared/links/service.ts';
import { linkSearchOnDemand } from '../../shared/search/on-demand.ts';
import { userPath } from '../../shared/users/schemas/profiles.ts';

/**
 * GET /v1/users/{username}/links: a user's public links, newest published first, the same for everybody (a
 * presented token changes nothing: the owner sees the public view too). 404 for an unknown user.
 */
export const handler = route('listPublicLinks', async (request) => {
  const { username } = validate(userPath, request.pathParameters);
  const query = validate(publicLinksQuery, request.query);
  const page = { startToken: query.start_token, limit: query.limit };
  const listing = query.q?.trim()
    ? await (
        await linkSearchOnDemand()
      ).page(username, {
        q: query.q,
        publicOnly: true,
        filter: { tag: query.tag },
        ...page,
      })
    : await publicLinks().page(username, { tag: query.tag, ...page });
  return {
    status: 200,
    body: { links: listing.links.map(toLinkResponse), next_token: listing.nextToken },
    cacheable: { visibility: 'public' },
  };
});
