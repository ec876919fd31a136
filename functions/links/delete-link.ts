import { route } from '../../shared/http/handler.ts';
import { fieldsOf, validate } from '../../shared/http/validate.ts';
import { deleteLinkRequest } from '../../shared/links/schemas.ts';
import { linkService } from '../../shared/links/service.ts';
import { emit } from '../../shared/metrics.ts';

export const handler = route('deleteLink', async (request, caller) => {
  const { url } = validate(deleteLinkRequest, fieldsOf(request.query, request.body));
  await linkService().remove(caller.username, url);
  emit('linksDeleted');
  return { status: 204 };
});
