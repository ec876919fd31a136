import { describe, expect, it } from 'vitest';
import { cspDirectives } from '../support/page-policy.ts';
import { devLoginToken, useClientRuntime } from './helpers.ts';

/** The local runtime serves the built client on the API's origin; the API's routes and errors stay as they are. */

const runtime = useClientRuntime();

const get = (path: string) => fetch(`${runtime.url()}${path}`, { redirect: 'manual' });

describe('serving the web client beside the API', () => {
  it('given the built client, when / is asked, then the page comes with a CSP that allows no inline script', async () => {
    const response = await get('/');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = cspDirectives(response.headers.get('content-security-policy') ?? '');
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    const page = await response.text();
    expect(page).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>/);
    const script = /<script[^>]*src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    expect(script, 'the page loads its script from /assets/').toBeDefined();

    const asset = await get(script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await asset.text(), 'the production build, without Preact debug').not.toContain(
      '__PREACT_DEVTOOLS__',
    );
  });

  it('given a client path with a query (the bookmarklet), when asked, then it is the client page too', async () => {
    const response = await get('/add?url=https%3A%2F%2Fexample.com&title=Example');

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="app"></div>');
  });

  it("given the API's own routes, when asked, then they answer as before: the wiring's routes come first", async () => {
    expect((await get('/healthz')).headers.get('content-type')).toMatch(/^application\/json/);
    expect((await get('/openapi.json')).status).toBe(200);
    const docsPolicy = cspDirectives((await get('/docs')).headers.get('content-security-policy') ?? '');
    expect(docsPolicy.get('script-src')?.[0], "the docs page's own inline script, by hash").toMatch(
      /^'sha256-/,
    );
  });

  it.each([
    ['/nothing-here'],
    ['/assets/missing.js'],
    ['/assets/..%2F..%2Fpackage.json'],
    ['/package.json'],
    ['/v1/nothing'],
  ])(
    'given %s, neither a client path nor a built file, when asked, then the answer is the JSON 404',
    async (path) => {
      const response = await get(path);

      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
    },
  );
});

describe("the import's upload from the page", () => {
  it("given an import's upload URL, then the page's CSP admits its origin, and the bucket admits the page's PUT (CORS) and nothing else", async () => {
    const token = await devLoginToken(runtime.url(), 'uploader');
    const started = await fetch(`${runtime.url()}/v1/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const uploadUrl = ((await started.json()) as { upload_url: string }).upload_url;
    const preflight = (method: string) =>
      fetch(uploadUrl, {
        method: 'OPTIONS',
        headers: {
          origin: runtime.url(),
          'access-control-request-method': method,
          'access-control-request-headers': 'content-type',
        },
      });

    const csp = cspDirectives((await get('/account/import')).headers.get('content-security-policy') ?? '');
    expect(csp.get('connect-src')).toEqual(["'self'", new URL(uploadUrl).origin]);
    const put = await preflight('PUT');
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe('*');
    expect(put.headers.get('access-control-allow-methods')).toBe('PUT');
    expect(put.headers.get('access-control-allow-headers')).toBe('content-type');
    expect((await preflight('DELETE')).status).toBe(403);
  });
});
