import { route } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';
import {
  NO_STORE,
  STATE_COOKIE,
  clearedStateCookie,
  prefersHtml,
  signedInCookie,
} from '../../shared/users/http.ts';
import { gitHubLogin } from '../../shared/users/identity-service.ts';
import { loginCallbackQuery, toTokenResponse } from '../../shared/users/schemas.ts';

/**
 * GET /login/authorized: GitHub's redirect back. The state is checked against the cookie and used up, the code
 * exchanged, the user registered or refreshed, and a Delinkcious session issued. A browser (it prefers HTML) gets
 * the session as the HttpOnly session cookie and goes on into the web client at `/`; any other client (curl)
 * gets the token as JSON.
 */
export const handler = route('loginCallback', async (request) => {
  const query = validate(loginCallbackQuery, request.query);
  const login = gitHubLogin('exchange');
  const issued = await login.complete({
    state: query.state,
    cookieState: request.cookies[STATE_COOKIE],
    code: query.code,
    error: query.error,
  });
  const cookies = [clearedStateCookie(login.secureCookies)];
  if (prefersHtml(request.headers['accept'])) {
    return {
      status: 302,
      headers: { location: '/', ...NO_STORE },
      cookies: [...cookies, signedInCookie(request, issued)],
    };
  }
  return { status: 200, body: toTokenResponse(issued), headers: NO_STORE, cookies };
});
