import { route } from '../../shared/http/handler.ts';
import { fieldsOf, validate } from '../../shared/http/validate.ts';
import { followRequest } from '../../shared/social/schemas.ts';
import { socialGraph } from '../../shared/social/service.ts';
import { emit } from '../../shared/metrics.ts';

/** `DELETE /v1/following/{username}`, or the name as `?username=` or in the original clients' `followed`. */
export const handler = route('unfollow', async (request, caller) => {
  const fields = { ...fieldsOf(request.query, request.body), ...request.pathParameters };
  const { username } = validate(followRequest, fields);
  await socialGraph().unfollow(caller.username, username);
  emit('unfollows');
  return { status: 204 };
});
