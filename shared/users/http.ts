import { sessionCookie } from '../http/browser-session.ts';
import type { HttpRequest } from '../http/request.ts';
import type { IssuedToken } from './sessions.ts';

/** HTTP details of the login routes: the state cookie, content negotiation, and the session cookie they set. */

export const STATE_COOKIE = 'delinkcious_oauth_state';
/** The cookie goes back only to /login and /login/authorized. */
const COOKIE_PATH = '/login';

/** Where the browser goes once signed in (`GET /login?next=`), kept beside the state until the callback. */
export const RETURN_COOKIE = 'delinkcious_oauth_next';

/** HttpOnly (no script reads it), SameSite=Lax (sent on GitHub's top-level redirect back), Secure on HTTPS. */
export function stateCookie(state: string, maxAgeSeconds: number, secure: boolean): string {
  return loginCookie(STATE_COOKIE, state, maxAgeSeconds, secure);
}

/** The path to return to after GitHub, as the state cookie is kept. */
export function returnCookie(next: string, maxAgeSeconds: number, secure: boolean): string {
  return loginCookie(RETURN_COOKIE, next, maxAgeSeconds, secure);
}

function loginCookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Max-Age=${maxAgeSeconds}`,
    `Path=${COOKIE_PATH}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** Removes the state cookie once the callback has used it. */
export function clearedStateCookie(secure: boolean): string {
  return stateCookie('', 0, secure);
}

/** Removes the return path's cookie once the callback has used it. */
export function clearedReturnCookie(secure: boolean): string {
  return returnCookie('', 0, secure);
}

/** Token answers must never be cached or leak through a Referer. */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache', 'referrer-policy': 'no-referrer' };

/**
 * Whether the client prefers a page to JSON: text/html ranks strictly above application/json by the `Accept`
 * header's q-values (a browser's `text/html,...,*\/*;q=0.8`). A tie, `*\/*` or no header means JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const quality = q ? Number(q.slice(2)) : 1;
    return { range, quality: Number.isFinite(quality) ? quality : 0 };
  });
  const qualityOf = (type: string) => {
    const [major] = type.split('/');
    const match =
      ranges.find((r) => r.range === type) ??
      ranges.find((r) => r.range === `${major}/*`) ??
      ranges.find((r) => r.range === '*/*');
    return match?.quality ?? 0;
  };
  return qualityOf('text/html') > qualityOf('application/json');
}

/** The session cookie of a browser that just signed in, living as long as the session itself. */
export function signedInCookie(request: HttpRequest, issued: IssuedToken, now: Date = new Date()): string {
  return sessionCookie(request, issued.accessToken, (Date.parse(issued.expiresAt) - now.getTime()) / 1000);
}
