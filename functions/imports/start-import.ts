import { route } from '../../shared/http/handler.ts';
import { fieldsOf, validate } from '../../shared/http/validate.ts';
import { startImportRequest } from '../../shared/imports/schemas.ts';
import { imports } from '../../shared/imports/service.ts';
import { emit } from '../../shared/metrics.ts';

/** POST /v1/imports: a pending import and the URL to PUT its file to; the import runs once the file lands. */
export const handler = route('startImport', async (request, caller) => {
  const { format } = validate(startImportRequest, fieldsOf({}, request.body));
  const started = await imports().start(caller.username, format);
  emit('importsStarted');
  return {
    status: 202,
    body: {
      import_id: started.record.import_id,
      upload_url: started.uploadUrl,
      expires_at: started.expiresAt,
    },
    headers: { 'cache-control': 'no-store' },
  };
});
