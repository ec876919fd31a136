import * as z from '../../shared/zod.ts';
import { InsufficientScope, NotFound } from '../../shared/errors.ts';
import { ATOM_CONTENT_TYPE } from '../../shared/http/atom.ts';
import { authenticateToken, route } from '../../shared/http/handler.ts';
import { originOf } from '../../shared/http/request.ts';
import { validate } from '../../shared/http/validate.ts';
import { newsFeed } from '../../shared/news/feeds.ts';
import { news } from '../../shared/news/news-service.ts';

/** The newest entries the feed carries. */
const NEWS_FEED_ENTRIES = 50;

const feedPath = z.object({ feed_file: z.string() });

/**
 * GET /feeds/news/{token}.atom: the reader's newest news as an Atom feed, for feed readers, which send no
 * headers: the credential is the path's, checked as the gate checks any (401 if invalid). It must be a token of
 * scope `feed`, which may read the news and nothing else: a URL is kept where a header is not (access logs, the
 * reader's subscriptions and their sync services), so a wider token there is refused rather than exposed.
 */
export const handler = route('newsFeed', async (request) => {
  const { feed_file: file } = validate(feedPath, request.pathParameters);
  const token = /^(.+)\.atom$/.exec(file)?.[1];
  if (!token) throw new NotFound('No such feed.');
  const reader = await authenticateToken(request, token, 'feed');
  if (reader.scope !== 'feed') {
    throw new InsufficientScope(
      `A news feed's URL takes a token of scope feed, which can read the news and nothing else; this one's scope is ${reader.scope}. Create one with POST /v1/tokens {"scope": "feed"}.`,
      { scope: reader.scope, needed: 'feed' },
    );
  }
  const page = await news().page(reader.username, NEWS_FEED_ENTRIES);
  const baseUrl = originOf(request);
  return {
    status: 200,
    file: newsFeed(
      reader.username,
      page.events,
      baseUrl,
      `${baseUrl}/feeds/news/${encodeURIComponent(file)}`,
    ),
    headers: { 'content-type': ATOM_CONTENT_TYPE },
    cacheable: { visibility: 'private' },
  };
});
