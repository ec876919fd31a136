import * as z from '../../shared/zod.ts';
import { NotFound } from '../../shared/errors.ts';
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
 * headers: the credential is the path's, checked as the gate checks any (401 if invalid), and must be a token of
 * scope `feed`, which may read the news and nothing else (`authenticateToken`).
 */
export const handler = route('newsFeed', async (request) => {
  const { feed_file: file } = validate(feedPath, request.pathParameters);
  const token = /^(.+)\.atom$/.exec(file)?.[1];
  if (!token) throw new NotFound('No such feed.');
  const reader = await authenticateToken(request, token, 'feed');
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
