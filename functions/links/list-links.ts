import { route } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';
import { listLinksQuery, toLinkResponse } from '../../shared/links/schemas.ts';
import { linkService } from '../../shared/links/service.ts';

export const handler = route('listLinks', async (request, caller) => {
  const query = validate(listLinksQuery, request.query);
  const listing = await linkService().list(caller.username, {
    urlRegex: query.url_regex,
    titleRegex: query.title_regex,
    descriptionRegex: query.description_regex,
    tag: query.tag,
    startToken: query.start_token,
    limit: query.limit,
  });
  return { status: 200, body: { links: listing.links.map(toLinkResponse), next_token: listing.nextToken } };
});
