import { route } from '../../shared/http/handler.ts';
import { fieldsOf, validate } from '../../shared/http/validate.ts';
import { addLinkRequest, toLinkResponse, withExistingLink } from '../../shared/links/schemas.ts';
import { linkService } from '../../shared/links/service.ts';
import { emit } from '../../shared/metrics.ts';

export const handler = route('addLink', async (request, caller) => {
  const input = validate(addLinkRequest, fieldsOf(request.query, request.body));
  const link = await linkService().add(caller.username, input).catch(withExistingLink);
  emit('linksAdded');
  return { status: 201, body: { link: toLinkResponse(link) } };
});
