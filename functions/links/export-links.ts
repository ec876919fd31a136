import { route } from '../../shared/http/handler.ts';
import type { DownloadLink } from '../../shared/http/schemas.ts';
import { validate } from '../../shared/http/validate.ts';
import { exportQuery } from '../../shared/links/schemas.ts';
import { linkExport } from '../../shared/links/export-service.ts';

/**
 * GET /v1/export?format=netscape|json: all the caller's links as a file to save. Up to ~5 MB it is the answer
 * itself; larger, a 302 to a download of it valid for 15 minutes. With `delivery=url`, always that download as
 * JSON: the web client sends its token as a header, which a navigation following the 302 cannot carry.
 */
export const handler = route('exportLinks', async (request, caller) => {
  const { format, delivery } = validate(exportQuery, request.query);
  const result = await linkExport().export(caller.username, format, delivery);
  if (result.kind === 'stored' && delivery === 'url') {
    const download: DownloadLink = {
      download_url: result.downloadUrl,
      expires_in_seconds: result.expiresInSeconds,
    };
    return { status: 200, body: download, headers: { 'cache-control': 'no-store' } };
  }
  if (result.kind === 'stored') {
    const redirect: Record<string, string> = { location: result.downloadUrl, 'cache-control': 'no-store' };
    return { status: 302, headers: redirect };
  }
  const download: Record<string, string> = {
    'content-type': result.meta.contentType,
    'content-disposition': result.meta.disposition,
    'cache-control': 'no-store',
  };
  return { status: 200, file: result.body, headers: download };
});
