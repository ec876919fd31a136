import { route } from '../../shared/http/handler.ts';
import { toImportResponse } from '../../shared/imports/schemas.ts';
import { imports } from '../../shared/imports/service.ts';

/** GET /v1/imports: the caller's imports, newest first. */
export const handler = route('listImports', async (_request, caller) => ({
  status: 200,
  body: { imports: (await imports().list(caller.username)).map(toImportResponse) },
  headers: { 'cache-control': 'no-store' },
}));
