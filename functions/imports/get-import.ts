import { route } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';
import { importPath, toImportResponse } from '../../shared/imports/schemas.ts';
import { imports } from '../../shared/imports/service.ts';

/** GET /v1/imports/{import_id}: the status, the counts and the errors of one of the caller's imports. */
export const handler = route('getImport', async (request, caller) => {
  const { import_id } = validate(importPath, request.pathParameters);
  const record = await imports().get(caller.username, import_id);
  return { status: 200, body: toImportResponse(record), headers: { 'cache-control': 'no-store' } };
});
