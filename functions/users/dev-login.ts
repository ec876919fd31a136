import { publicRoute } from '../../shared/http/handler.ts';
import { fieldsOf, validate } from '../../shared/http/validate.ts';
import { devLoginRequest, toTokenResponse } from '../../shared/users/schemas.ts';
import { sessions } from '../../shared/users/service.ts';

/**
 * Local runtime only: a token for any username, with no GitHub app and no network. The wiring keeps this
 * function out of every deployed stack; `localOnly` is a second lock on the same door (404 there, before the
 * rate limiter or anything else touches the database).
 */
export const handler = publicRoute(
  async (request) => {
    const { username } = validate(devLoginRequest, fieldsOf({}, request.body));
    return { status: 200, body: toTokenResponse(await sessions().devLogin(username)) };
  },
  { localOnly: true },
);
