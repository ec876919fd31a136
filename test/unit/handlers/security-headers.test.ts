import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { route, type HttpHandler } from '../../../shared/http/handler.ts';
import { expectStrictPagePolicy } from '../../support/page-policy.ts';
import { call, expectError, importHandler, stubFunctionEnvironment } from '../support/http.ts';
import { useInMemoryServices } from '../support/services.ts';

/** The headers that keep browsers from sniffing, framing or running what the service did not mean to serve. */

useInMemoryServices();
beforeAll(() => stubFunctionEnvironment());
afterAll(() => vi.unstubAllEnvs());

describe('X-Content-Type-Options', () => {
  it('given a JSON answer, then it carries nosniff', async () => {
    const healthz = await importHandler('ops/healthz');

    const answer = await call(healthz, { method: 'GET', path: '/healthz' });

    expect(answer.status).toBe(200);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('given an error answer, then it carries nosniff', async () => {
    const notFound = await importHandler('ops/not-found');

    const answer = await call(notFound, { method: 'GET', path: '/v1/nothing-here' });

    expectError(answer, 404, 'not_found');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('given a handler that sets its own x-content-type-options, then nosniff still wins', async () => {
    const sniffable: HttpHandler = route('healthz', async () => ({
      status: 200,
      body: {},
      headers: { 'x-content-type-options': 'none' },
    }));

    expect((await call(sniffable)).headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('HTML pages', () => {
  it('given GET /docs, then a strict policy that still lets its own script and style run and fetch openapi.json', async () => {
    const docs = await importHandler('ops/docs');

    const answer = await call<string>(docs, { method: 'GET', path: '/docs' });

    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['x-frame-options']).toBe('DENY');
    expectStrictPagePolicy(answer.body, answer.headers['content-security-policy']);
    expect(answer.headers['content-security-policy']).toMatch(/script-src 'sha256-[^']+'/);
    expect(answer.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(answer.body).toContain("fetch('openapi.json')");
  });

  it('given a page that sets no policy of its own, then it gets the strictest one', async () => {
    const page: HttpHandler = route('healthz', async () => ({
      status: 200,
      html: '<!doctype html><p>hi</p>',
    }));

    const answer = await call<string>(page);

    expectStrictPagePolicy(answer.body, answer.headers['content-security-policy']);
    expect(answer.headers['content-security-policy']).not.toMatch(/script-src|style-src|connect-src/);
    expect(answer.headers['x-frame-options']).toBe('DENY');
  });
});
