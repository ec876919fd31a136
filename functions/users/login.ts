import { route } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';
import { NO_STORE, returnCookie, stateCookie } from '../../shared/users/http.ts';
import { gitHubLogin } from '../../shared/users/identity-service.ts';
import { loginQuery } from '../../shared/users/schemas/login.ts';

/**
 * GET /login: off to GitHub's authorize page, with a fresh state in the URL and in a cookie; `next`, the path a
 * browser returns to once signed in, waits in a cookie of its own.
 */
export const handler = route('login', async (request) => {
  const { next } = validate(loginQuery, request.query);
  const started = await gitHubLogin('start').start();
  const cookies = [stateCookie(started.state, started.maxAgeSeconds, started.secure)];
  if (next !== undefined) cookies.push(returnCookie(next, started.maxAgeSeconds, started.secure));
  return { status: 302, headers: { location: started.authorizationUrl, ...NO_STORE }, cookies };
});
