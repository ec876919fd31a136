import { describe, expect, it } from 'vitest';
import { ApiClient } from '../support/runtime.ts';
import { aUsername, expectError, expectJson, useRuntime } from './helpers.ts';

/**
 * The browser session over HTTP, as a browser on the local runtime holds it: the cookie that the client's
 * sign-in form gets from /dev/login, sent back as a browser would (Cookie, and Origin on changes).
 */

const api = useRuntime();

interface SignedInBrowser {
  username: string;
  /** The Set-Cookie the sign-in answered. */
  setCookie: string;
  /** What the browser sends back: `delinkcious_session=<token>`. */
  cookie: string;
}

/** The client's sign-in form, posted from the service's own page: the answer sets the session cookie. */
async function signInWithForm(base: string): Promise<SignedInBrowser> {
  const username = aUsername(base);
  const answer = await new ApiClient(api.url).send('POST', '/dev/login', { username }, { origin: api.url });
  expectJson(answer, 200);
  const [setCookie] = answer.headers.getSetCookie();
  expect(setCookie).toBeDefined();
  return { username, setCookie: setCookie!, cookie: setCookie!.split(';')[0]! };
}

/** A request of that browser's: its cookie, and `origin` when given (browsers send it on every change). */
function fromBrowser(
  browser: SignedInBrowser,
  method: string,
  path: string,
  origin?: string,
  body?: unknown,
) {
  const headers: Record<string, string> = { cookie: browser.cookie };
  if (origin) headers['origin'] = origin;
  return new ApiClient(api.url).send(method, path, body, headers);
}

describe('signing a browser in by cookie', () => {
  it('given the sign-in form, then an HttpOnly, SameSite=Lax session cookie for / (plain http: no Secure, no __Host- prefix) that signs the browser in', async () => {
    const browser = await signInWithForm('cookie-login');

    expect(browser.setCookie).toMatch(
      /^delinkcious_session=dlk_[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const me = await fromBrowser(browser, 'GET', '/v1/me');
    expect(expectJson(me, 200)).toMatchObject({ username: browser.username });
  });

  it('given curl (no Origin), then /dev/login answers the token as before, with no cookie', async () => {
    const answer = await new ApiClient(api.url).send('POST', '/dev/login', { username: aUsername('curl') });

    expect(expectJson<{ access_token: string }>(answer, 200).access_token).toMatch(/^dlk_/);
    expect(answer.headers.getSetCookie()).toEqual([]);
  });
});

describe('changes signed in by the cookie', () => {
  it('given the own origin, when a link is added, then 201', async () => {
    const browser = await signInWithForm('same-origin');

    const answer = await fromBrowser(browser, 'POST', '/v1/links', api.url, { url: 'https://go.dev/' });

    expect(answer.status).toBe(201);
  });

  it('given a page on another origin of the same site, when it posts with the cookie, then 403 forbidden and nothing changes', async () => {
    const browser = await signInWithForm('cross-origin');

    const answer = await fromBrowser(browser, 'POST', '/v1/links', 'http://localhost:4566', {
      url: 'https://evil.example/',
    });

    expectError(answer, 403, 'forbidden');
    const links = await fromBrowser(browser, 'GET', '/v1/links');
    expect(expectJson<{ links: unknown[] }>(links, 200).links).toEqual([]);
  });

  it('given no Origin, then the CSRF header X-Requested-With stands for it', async () => {
    const browser = await signInWithForm('csrf-header');

    const refused = await fromBrowser(browser, 'POST', '/v1/following', undefined, { username: 'nobody' });
    const allowed = await new ApiClient(api.url).send(
      'PUT',
      '/v1/links',
      { url: 'https://go.dev/' },
      { cookie: browser.cookie, 'x-requested-with': 'delinkcious-web' },
    );

    expectError(refused, 403, 'forbidden');
    expectError(allowed, 404, 'not_found');
  });
});

describe('signing a browser out', () => {
  it('given the own origin, when it logs out, then 204, the cookie is cleared, and it stops working at once', async () => {
    const browser = await signInWithForm('cookie-logout');

    const answer = await fromBrowser(browser, 'POST', '/logout', api.url);

    expect(answer.status).toBe(204);
    expect(answer.headers.getSetCookie()).toEqual([
      'delinkcious_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
    ]);
    expectError(await fromBrowser(browser, 'GET', '/v1/me'), 401, 'unauthorized');
  });

  it('given a link elsewhere to GET /logout (no Origin), then 403 and the browser stays signed in', async () => {
    const browser = await signInWithForm('logout-link');

    expectError(await fromBrowser(browser, 'GET', '/logout'), 403, 'forbidden');
    expect((await fromBrowser(browser, 'GET', '/v1/me')).status).toBe(200);
  });
});
