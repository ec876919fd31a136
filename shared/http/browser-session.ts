import { Forbidden } from '../errors.ts';
import { presentedToken } from './gate.ts';
import { originOf, type HttpRequest } from './request.ts';

/**
 * A browser's login session: the session's access token in an HttpOnly cookie, set at sign-in (the GitHub
 * callback, the local /dev/login) and cleared at logout, so no script of the page ever holds the token.
 *
 * The cookie: `HttpOnly` (no script reads it), `SameSite=Lax` (sent on top-level navigations from elsewhere, never
 * on another site's sub-requests or form posts), `Path=/`. Over HTTPS it is `__Host-delinkcious_session` and
 * `Secure`: the prefix makes browsers refuse it unless it is Secure, host-only and for `/`, so neither a sibling
 * domain nor a plain-http page can plant one. Over http (the local runtime) it has a plain name: Chromium keeps a
 * Secure cookie from http://localhost, which it counts as a secure context, but not from any other http address. The gate reads only the
 * name that fits the request's scheme.
 *
 * Cross-site request forgery: SameSite=Lax keeps the cookie off other sites' requests, but not off other origins
 * of the same site (another port of localhost, a sibling subdomain), and API Gateway allows CORS from any origin.
 * So a request authenticated by the cookie with an unsafe method must show that the service's own page sent it:
 * - an `Origin` equal to the service's own origin (the one the request reached: `originOf`). Browsers send
 *   `Origin` on every POST, PUT, PATCH and DELETE, and a page cannot forge it; another origin is refused at once;
 * - or, when a browser sent no `Origin` (or `null`, as privacy settings and sandboxed frames do), the header
 *   `X-Requested-With`. A page on another origin can set it only after a CORS preflight that allows it, and the
 *   API's CORS never does (nor credentials), so only same-origin scripts can send it with the cookie. Unlike a
 *   double-submit token it needs no second cookie and no state; the web client sends both on every request.
 * Anything else is 403 `forbidden`. Bearer tokens (headers) are untouched by all of this: a browser never adds
 * them by itself, so they need no such proof.
 */

/** The session cookie's names: over HTTPS, and over plain http (the local runtime). */
export const SESSION_COOKIES = { https: '__Host-delinkcious_session', http: 'delinkcious_session' } as const;

/** The header that, with no `Origin`, proves a same-origin script (see above). */
export const CSRF_HEADER = 'X-Requested-With';

/** How a request presents its credential: in a header (bearer), in the session cookie, or not at all. */
export type PresentedCredential =
  | { via: 'header'; token: string | undefined }
  | { via: 'cookie'; token: string }
  | { via: 'none'; token: undefined };

function isHttps(request: HttpRequest): boolean {
  return new URL(originOf(request)).protocol === 'https:';
}

/** The session cookie's name for this request's scheme. */
export function sessionCookieName(request: HttpRequest): string {
  return isHttps(request) ? SESSION_COOKIES.https : SESSION_COOKIES.http;
}

/**
 * The credential of a request. A token header wins whenever one is sent (even an unreadable one, which then
 * fails as such: the cookie never stands in for a header that was meant); the cookie counts only without one.
 */
export function presentedCredential(request: HttpRequest): PresentedCredential {
  const { headers } = request;
  if (headers['authorization'] !== undefined || headers['access-token'] !== undefined) {
    return { via: 'header', token: presentedToken(headers) };
  }
  const cookie = request.cookies[sessionCookieName(request)];
  return cookie ? { via: 'cookie', token: cookie } : { via: 'none', token: undefined };
}

/** Whether the request shows that a page of the service's own origin sent it (see above). */
export function comesFromOwnOrigin(request: HttpRequest): boolean {
  const origin = request.headers['origin']?.trim();
  if (origin && origin !== 'null') return sameOrigin(origin, originOf(request));
  return Boolean(request.headers[CSRF_HEADER.toLowerCase()]?.trim());
}

/** Forbidden unless the request comes from the service's own origin. */
export function requireOwnOrigin(request: HttpRequest): void {
  if (comesFromOwnOrigin(request)) return;
  throw new Forbidden(
    `A request signed in by the session cookie must come from this service's own pages: an Origin of ` +
      `${originOf(request)}, or the ${CSRF_HEADER} header.`,
    { origin: request.headers['origin'] ?? null },
  );
}

function sameOrigin(a: string, b: string): boolean {
  try {
    // URL serializes both alike: lower-cased scheme and host, default ports dropped.
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** Sets the session cookie for `maxAgeSeconds` (the session's own lifetime). */
export function sessionCookie(request: HttpRequest, token: string, maxAgeSeconds: number): string {
  return [
    `${sessionCookieName(request)}=${encodeURIComponent(token)}`,
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    ...(isHttps(request) ? ['Secure'] : []),
  ].join('; ');
}

/** Removes the session cookie from the browser (logout). */
export function clearedSessionCookie(request: HttpRequest): string {
  return sessionCookie(request, '', 0);
}
