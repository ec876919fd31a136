import { route } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';
import { toNewsEvent } from '../../shared/news/schemas.ts';
import { news } from '../../shared/news/news-service.ts';
import { pageQuery } from '../../shared/http/paging.ts';

export const handler = route('getNews', async (request, caller) => {
  const query = validate(pageQuery, request.query);
  const page = await news().page(caller.username, query.limit, query.start_token);
  return { status: 200, body: { events: page.events.map(toNewsEvent), next_token: page.nextToken } };
});
