import { route } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';
import {
  NO_STORE,
  PAGE_SECURITY,
  STATE_COOKIE,
  clearedStateCookie,
  prefersHtml,
  tokenPage,
} from '../../shared/users/http.ts';
import { gitHubLogin } from '../../shared/users/identity-service.ts';
import { loginCallbackQuery, toTokenResponse } from '../../shared/users/schemas.ts';

/**
 * GET /login/authorized: GitHub's redirect back. The state is checked against the cookie and used up, the code
 * exchanged, the user registered or refreshed, and a Delinkcious token issued: JSON, or a page for a browser.
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
  const token = toTokenResponse(issued);
  const cookies = [clearedStateCookie(login.secureCookies)];
  if (prefersHtml(request.headers['accept'])) {
    return { status: 200, html: tokenPage(token), headers: { ...NO_STORE, ...PAGE_SECURITY }, cookies };
  }
  return { status: 200, body: token, headers: NO_STORE, cookies };
});
