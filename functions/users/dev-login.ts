import { config } from '../../shared/config.ts';
import { NotFound } from '../../shared/errors.ts';
import { publicRoute } from '../../shared/http/handler.ts';
import { fieldsOf, validate } from '../../shared/http/validate.ts';
import { devLoginRequest, toTokenResponse } from '../../shared/users/schemas.ts';
import { sessions } from '../../shared/users/service.ts';

/**
 * Local runtime only: a token for any username, with no GitHub app and no network. The wiring keeps this
 * function out of every deployed stack; the check below is a second lock on the same door.
 */
export const handler = publicRoute(async (request) => {
  if (!config().LOCAL_RUNTIME) throw new NotFound('No such route.');
  const { username } = validate(devLoginRequest, fieldsOf({}, request.body));
  return { status: 200, body: toTokenResponse(await sessions().devLogin(username)) };
});
