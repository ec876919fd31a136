import { clearedSessionCookie } from '../../shared/http/browser-session.ts';
import { route } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';
import { logoutQuery } from '../../shared/users/schemas/login.ts';
import { sessions, tokens } from '../../shared/users/service.ts';

/**
 * Revokes the presented token (a header's or the session cookie's) at once; the same token then gets 401. With
 * `?everywhere=true`, every session and personal token of the caller. A browser's session cookie is cleared too.
 * `GET` ends a session as `POST` does, so its route says it changes state (shared/wiring.ts): a cookie-signed GET
 * must come from the service's own pages as well.
 */
export const handler = route('logout', async (request, caller) => {
  const { everywhere } = validate(logoutQuery, request.query);
  if (everywhere) await tokens().revokeAll(caller.username);
  else await sessions().revoke(caller.token);
  return { status: 204, cookies: [clearedSessionCookie(request)] };
});
