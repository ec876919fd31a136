import { route } from '../../shared/http/handler.ts';
import { sessions } from '../../shared/users/service.ts';

/** Revokes the presented token at once; the same token then gets 401. */
export const handler = route('logout', async (_request, caller) => {
  await sessions().revoke(caller.token);
  return { status: 204 };
});
