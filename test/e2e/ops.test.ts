import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { needsToken, routes } from '../../shared/wiring.ts';
import { RawApiClient, startTestRuntime } from '../support/runtime.ts';
import { expectStrictPagePolicy } from '../support/page-policy.ts';
import { expectCommonHeaders, expectJson } from './helpers.ts';

/** GET /healthz, GET /openapi.json and GET /docs: public, and truthful about the routes that exist. */

let runtime: Runtime;
let anonymous: RawApiClient;

beforeAll(async () => {
  runtime = await startTestRuntime();
  anonymous = new RawApiClient(runtime.url);
});
afterAll(() => runtime?.stop());

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { operationId?: string; security?: unknown[]; responses?: object }>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

describe('GET /healthz', () => {
  it('given no token, when health is checked, then 200 {status: ok, version}', async () => {
    const body = expectJson<{ status: string; version: string }>(await anonymous.get('/healthz'), 200);

    expect(body).toEqual({ status: 'ok', version: expect.stringMatching(/\S/) });
  });

  it('given a revoked token, when health is checked, then it still answers 200', async () => {
    const alice = await RawApiClient.loggedInRaw(runtime.url, 'health-alice');
    expect((await alice.post('/logout')).status).toBe(204);

    expectJson(await alice.get('/healthz'), 200);
  });
});

describe('GET /openapi.json', () => {
  let document: OpenApiDocument;
  beforeAll(async () => {
    document = expectJson<OpenApiDocument>(await anonymous.get('/openapi.json'), 200);
  });

  it('given no token, when the document is fetched, then it is OpenAPI 3.1 with the service version', async () => {
    const health = expectJson<{ version: string }>(await anonymous.get('/healthz'), 200);

    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info.title).toEqual(expect.any(String));
    expect(document.info.version).toBe(health.version);
  });

  it('given the wiring, when the document is read, then every route reachable locally is in it', async () => {
    const missing = routes
      .filter((route) => !document.paths[route.path]?.[route.method.toLowerCase()])
      .map((route) => `${route.method} ${route.path}`);

    expect(missing).toEqual([]);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'GET /v1/links',
        'POST /v1/links',
        'PUT /v1/links',
        'PATCH /v1/links',
        'DELETE /v1/links',
        'GET /v1.0/links',
        'GET /v1/tags',
        'GET /healthz',
        'GET /openapi.json',
        'GET /docs',
        'POST /dev/login',
        'POST /logout',
        'GET /logout',
      ]),
    );
  });

  it('given the document, when each operation in it is called, then the route exists (neither 404 nor 405)', async () => {
    const unreachable: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item)) {
        const response = await anonymous.raw(method.toUpperCase(), path);
        expectCommonHeaders(response);
        // With path parameters, 404 may be about the thing named, not the route.
        const routeMissing = response.status === 404 && !path.includes('{');
        if (response.status === 405 || routeMissing) unreachable.push(`${method.toUpperCase()} ${path}`);
        expect(response.status, `${method} ${path}`).toBeLessThan(500);
      }
    }

    expect(unreachable).toEqual([]);
  });

  it('given routes that need a token, when the document is read, then they declare a security requirement and public routes an empty one', async () => {
    for (const route of routes) {
      const operation = document.paths[route.path]![route.method.toLowerCase()]!;
      if (needsToken(route)) expect(operation.security, `${route.method} ${route.path}`).not.toEqual([]);
      else expect(operation.security, `${route.method} ${route.path}`).toEqual([]);
    }
    expect(Object.keys(document.components?.securitySchemes ?? {}).length).toBeGreaterThan(0);
  });

  it('given the document, when operation ids are read, then each is unique', async () => {
    const ids = Object.values(document.paths).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId),
    );

    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('GET /docs', () => {
  it('given no token, when the docs page is fetched, then it is HTML that loads openapi.json', async () => {
    const response = await anonymous.get('/docs');

    expect(response.status).toBe(200);
    expectCommonHeaders(response);
    expect(response.headers.get('content-type')).toMatch(/^text\/html\b/);
    const html = response.body as unknown as string;
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('openapi.json');
  });

  it('given the docs page, when its headers are read, then a strict policy that still lets its script render the document', async () => {
    const response = await anonymous.get('/docs');

    expectStrictPagePolicy(
      response.body as unknown as string,
      response.headers.get('content-security-policy'),
    );
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expectJson(await anonymous.get('/openapi.json'), 200);
  });

  it('given the docs page, when its markup is read, then it loads no external script or stylesheet', async () => {
    const html = (await anonymous.get('/docs')).body as unknown as string;

    const external = /^(https?:)?\/\//i;
    const scripts = [...html.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1]!);
    const links = [...html.matchAll(/<link\b[^>]*\bhref\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1]!);
    const imports = [...html.matchAll(/@import\s+(?:url\()?\s*["']?([^"')\s;]+)/gi)].map((m) => m[1]!);
    const fetched = [...html.matchAll(/fetch\(\s*["'`]([^"'`]+)/g)].map((m) => m[1]!);

    expect([...scripts, ...links, ...imports, ...fetched].filter((src) => external.test(src))).toEqual([]);
    expect(fetched).toContain('openapi.json');
  });
});
