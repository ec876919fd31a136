import { route } from '../../shared/http/handler.ts';
import { fieldsOf, validate } from '../../shared/http/validate.ts';
import { followRequest } from '../../shared/social/schemas.ts';
import { socialGraph } from '../../shared/social/service.ts';
import { emit } from '../../shared/metrics.ts';

export const handler = route('follow', async (request, caller) => {
  const { username } = validate(followRequest, fieldsOf({}, request.body));
  const follow = await socialGraph().follow(caller.username, username);
  emit('follows');
  return { status: 201, body: { username: follow.followed, since: follow.since } };
});
