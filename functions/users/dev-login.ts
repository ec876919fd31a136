import { comesFromOwnOrigin } from '../../shared/http/browser-session.ts';
import { route } from '../../shared/http/handler.ts';
import { fieldsOf, validate } from '../../shared/http/validate.ts';
import { signedInCookie } from '../../shared/users/http.ts';
import { devLoginRequest, toTokenResponse } from '../../shared/users/schemas/login.ts';
import { sessions } from '../../shared/users/service.ts';

/**
 * Local runtime only: a token for any username, with no GitHub app and no network. The wiring declares it
 * `localOnly`, which keeps it out of every deployed stack and is a second lock on the same door: the gate
 * answers 404 outside the local runtime, before the rate limiter or anything else touches the database.
 * The web client's sign-in form posts here: a request from the service's own pages also gets the session cookie
 * (one from another origin does not, so no other page can sign a browser in as someone else).
 */
export const handler = route('devLogin', async (request) => {
  const { username } = validate(devLoginRequest, fieldsOf({}, request.body));
  const issued = await sessions().devLogin(username);
  return {
    status: 200,
    body: toTokenResponse(issued),
    ...(comesFromOwnOrigin(request) ? { cookies: [signedInCookie(request, issued)] } : {}),
  };
});
