import type { z } from 'zod';
import { escapeHtml, pageSecurityHeaders } from '../http/page-security.ts';
import type { tokenResponse } from './schemas.ts';

/** HTTP details of the login routes: the state cookie, content negotiation, and the page that shows a token. */

export const STATE_COOKIE = 'delinkcious_oauth_state';
/** The cookie goes back only to /login and /login/authorized. */
const COOKIE_PATH = '/login';

/** HttpOnly (no script reads it), SameSite=Lax (sent on GitHub's top-level redirect back), Secure on HTTPS. */
export function stateCookie(state: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${STATE_COOKIE}=${encodeURIComponent(state)}`,
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

const TOKEN_PAGE_STYLE = `
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; }
code, pre { font-family: ui-monospace, monospace; }
pre { background: #f4f4f4; padding: 1rem; overflow-wrap: anywhere; white-space: pre-wrap; user-select: all; }
`;

/** Content-Security-Policy of the token page: its own style block, nothing else (no script, no images, no requests). */
export const PAGE_SECURITY = pageSecurityHeaders({ styles: [TOKEN_PAGE_STYLE] });

/** The same facts as the JSON answer, on a page from which a person can copy the token. */
export function tokenPage(token: z.infer<typeof tokenResponse>): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Delinkcious: logged in</title>
<style>${TOKEN_PAGE_STYLE}</style>
</head>
<body>
<h1>Logged in as ${e(token.user.username)}</h1>
<p>Your Delinkcious access token (a ${e(token.token_type)} token), valid until <time datetime="${e(token.expires_at)}">${e(token.expires_at)}</time>:</p>
<pre id="access-token">${e(token.access_token)}</pre>
<p>Send it with every request:</p>
<pre>Authorization: Bearer ${e(token.access_token)}</pre>
<p>Keep it secret. <code>POST /logout</code> with it revokes it.</p>
</body>
</html>
`;
}
