import { route } from '../../shared/http/handler.ts';
import { linkService } from '../../shared/links/service.ts';

export const handler = route('listTags', async (_request, caller) => {
  return { status: 200, body: { tags: await linkService().tags(caller.username) } };
});
