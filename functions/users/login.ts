import { route } from '../../shared/http/handler.ts';
import { NO_STORE, stateCookie } from '../../shared/users/http.ts';
import { gitHubLogin } from '../../shared/users/identity-service.ts';

/** GET /login: off to GitHub's authorize page, with a fresh state in the URL and in a cookie. */
export const handler = route('login', async () => {
  const started = await gitHubLogin('start').start();
  return {
    status: 302,
    headers: { location: started.authorizationUrl, ...NO_STORE },
    cookies: [stateCookie(started.state, started.maxAgeSeconds, started.secure)],
  };
});
