import { route } from '../../shared/http/handler.ts';
import { fieldsOf, validate } from '../../shared/http/validate.ts';
import { toLinkResponse, updateLinkRequest } from '../../shared/links/schemas.ts';
import { linkService } from '../../shared/links/service.ts';
import { emit } from '../../shared/metrics.ts';

export const handler = route('updateLink', async (request, caller) => {
  const input = validate(updateLinkRequest, fieldsOf(request.query, request.body));
  const link = await linkService().update(caller.username, {
    url: input.url,
    title: input.title,
    description: input.description,
    addTags: input.add_tags,
    removeTags: input.remove_tags,
    private: input.private,
  });
  emit('linksUpdated');
  return { status: 200, body: { link: toLinkResponse(link) } };
});
