import { route } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';
import { listLinksQuery, toLinkResponse } from '../../shared/links/schemas.ts';
import { linkService } from '../../shared/links/service.ts';
import { linkSearchOnDemand } from '../../shared/search/on-demand.ts';

/**
 * The caller's links, newest first; with `q`, those the search finds, best match first. A search may send a rebuild
 * request for an index of an older format, so its route declares only the plain listing read-only (shared/wiring.ts).
 */
export const handler = route('listLinks', async (request, caller) => {
  const query = validate(listLinksQuery, request.query);
  const filter = {
    urlRegex: query.url_regex,
    titleRegex: query.title_regex,
    descriptionRegex: query.description_regex,
    tag: query.tag,
  };
  const page = { startToken: query.start_token, limit: query.limit };
  const listing = query.q?.trim()
    ? await (
        await linkSearchOnDemand()
      ).page(caller.username, { q: query.q, publicOnly: false, filter, ...page })
    : await linkService().list(caller.username, { ...filter, ...page });
  return { status: 200, body: { links: listing.links.map(toLinkResponse), next_token: listing.nextToken } };
});
