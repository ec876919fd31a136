import { checkedLinks, SNAPSHOT_URL_SECONDS, snapshots } from '../../shared/checker/service.ts';
import { snapshotQuery } from '../../shared/checker/schemas.ts';
import { NotFound } from '../../shared/errors.ts';
import { route, type HttpResponse } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';

/**
 * GET /v1/links/snapshot?url=: a 302 to a 5-minute presigned download of the link's latest snapshot, or that URL
 * in a 200 to a client that asks for JSON: the web client sends its token as a header, which a navigation that
 * follows the redirect cannot carry, so it reads the URL and opens it.
 */
export const handler = route('getSnapshot', async (request, caller): Promise<HttpResponse> => {
  const { url } = validate(snapshotQuery, request.query);
  const link = await checkedLinks().get(caller.username, url);
  if (!link) throw new NotFound('You have no link with this URL.');
  const key = await snapshots().latest({ username: caller.username, url: link.url });
  if (!key) throw new NotFound('This link has no snapshot yet.');
  const downloadUrl = await snapshots().downloadUrl(key, SNAPSHOT_URL_SECONDS);
  if (/\bapplication\/json\b/i.test(request.headers['accept'] ?? '')) {
    return {
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: { download_url: downloadUrl, expires_in_seconds: SNAPSHOT_URL_SECONDS },
    };
  }
  return { status: 302, headers: { location: downloadUrl, 'cache-control': 'no-store' } };
});
