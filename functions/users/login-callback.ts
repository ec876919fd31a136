import { route } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';
import { safeReturnPath } from '../../web/src/paths.ts';
import {
  NO_STORE,
  RETURN_COOKIE,
  STATE_COOKIE,
  clearedReturnCookie,
  clearedStateCookie,
  prefersHtml,
  signedInCookie,
} from '../../shared/users/http.ts';
import { gitHubLogin } from '../../shared/users/identity-service.ts';
import { loginCallbackQuery, toTokenResponse } from '../../shared/users/schemas/login.ts';

/**
 * GET /login/authorized: GitHub's redirect back. The state is checked against the cookie and used up, the code
 * exchanged, the user registered or refreshed, and a Delinkcious session issued. A browser (it prefers HTML) gets
 * the session as the HttpOnly session cookie and goes on into the web client, where `GET /login?next=` asked (else
 * `/`); any other client (curl) gets the token as JSON.
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
  const returnTo = request.cookies[RETURN_COOKIE];
  const cookies = [clearedStateCookie(login.secureCookies)];
  if (returnTo !== undefined) cookies.push(clearedReturnCookie(login.secureCookies));
  if (prefersHtml(request.headers['accept'])) {
    return {
      status: 302,
      // Checked again: the cookie came back from the browser.
      headers: { location: safeReturnPath(returnTo ?? null), ...NO_STORE },
      cookies: [...cookies, signedInCookie(request, issued)],
    };
  }
  return { status: 200, body: toTokenResponse(issued), headers: NO_STORE, cookies };
});
