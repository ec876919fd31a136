import { checkedLinks, SNAPSHOT_URL_SECONDS, snapshots } from '../../shared/checker/service.ts';
import { snapshotQuery } from '../../shared/checker/schemas.ts';
import { NotFound } from '../../shared/errors.ts';
import { route } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';

/** GET /v1/links/snapshot?url=: a 302 to a 5-minute presigned download of the link's latest snapshot. */
export const handler = route('getSnapshot', async (request, caller) => {
  const { url } = validate(snapshotQuery, request.query);
  const link = await checkedLinks().get(caller.username, url);
  if (!link) throw new NotFound('You have no link with this URL.');
  const key = await snapshots().latest({ username: caller.username, url: link.url });
  if (!key) throw new NotFound('This link has no snapshot yet.');
  return {
    status: 302,
    headers: {
      location: await snapshots().downloadUrl(key, SNAPSHOT_URL_SECONDS),
      'cache-control': 'no-store',
    },
  };
});
