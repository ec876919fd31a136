import { route, type HttpResponse } from '../../shared/http/handler.ts';
import { fieldsOf, validate } from '../../shared/http/validate.ts';
import type { Link } from '../../shared/links/model.ts';
import { addLinkRequest, toLinkResponse, withExistingLink } from '../../shared/links/schemas.ts';
import { linkService } from '../../shared/links/service.ts';
import { emit } from '../../shared/metrics.ts';

/** The answer of an added link: also kept, within the insert's transaction, for retries with its key. */
const created = (link: Link): HttpResponse => ({ status: 201, body: { link: toLinkResponse(link) } });

/** The link is added in one transaction, which also admits the caller and keeps the answer (`oneTransaction`). */
export const handler = route(
  'addLink',
  async (request, caller) => {
    const input = validate(addLinkRequest, fieldsOf(request.query, request.body));
    const link = await linkService()
      .add(caller.username, input, caller.inTransaction(created))
      .catch(withExistingLink);
    emit('linksAdded');
    return created(link);
  },
  { oneTransaction: true },
);
