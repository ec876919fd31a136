import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { aLink } from '../../support/builders.ts';
import { call, expectError, stubFunctionEnvironment } from '../support/http.ts';
import { useInMemoryServices } from '../support/services.ts';

const TOKEN = 'dlk_alices-unit-test-token';
/** Small enough that a few links pass it. */
const INLINE_LIMIT = 1_000;
const services = useInMemoryServices({ exportInlineLimitBytes: INLINE_LIMIT });
let exportLinks: HttpHandler;

beforeAll(async () => {
  stubFunctionEnvironment();
  ({ handler: exportLinks } = await import('../../../functions/links/export-links.ts'));
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(async () => {
  services.givenSession(TOKEN, { username: 'alice' });
  await services.links.insert(aLink({ url: 'https://go.dev/', title: 'Go & co' }), 100);
});

const exportAs = (query: Record<string, string> = {}) =>
  call<string>(exportLinks, { method: 'GET', path: '/v1/export', token: TOKEN, query });

describe('GET /v1/export', () => {
  it('given a small file, when exported without a format, then it is the Netscape file as an attachment', async () => {
    const answer = await exportAs();

    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['content-disposition']).toBe(
      'attachment; filename="delinkcious-alice-2026-11-24.html"',
    );
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.text).toContain('<DT><A HREF="https://go.dev/"');
    expect(answer.text).toContain('>Go &amp; co</A>');
  });

  it('given format=json, when exported, then it is {"links": [...]} as JSON', async () => {
    const answer = await exportAs({ format: 'json' });

    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['content-disposition']).toBe(
      'attachment; filename="delinkcious-alice-2026-11-24.json"',
    );
    expect((answer.body as unknown as { links: { url: string }[] }).links.map((link) => link.url)).toEqual([
      'https://go.dev/',
    ]);
  });

  it('given a file over the inline limit, when exported, then the answer is a 302 to its download', async () => {
    for (let i = 0; i < 20; i++) {
      await services.links.insert(aLink({ url: `https://example.com/${i}`, title: 'x'.repeat(50) }), 100);
    }

    const answer = await exportAs();

    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe(
      'https://exports.example/exports/alice/2026-11-24T09:00:00.000Z.html?expires-in=900',
    );
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(services.exportFiles.files.get('exports/alice/2026-11-24T09:00:00.000Z.html')?.body).toContain(
      'https://example.com/19',
    );
  });

  it('given delivery=url and a small file, when exported, then it is stored anyway and the answer is its download as JSON', async () => {
    const answer = await exportAs({ format: 'json', delivery: 'url' });

    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.body).toEqual({
      download_url: 'https://exports.example/exports/alice/2026-11-24T09:00:00.000Z.json?expires-in=900',
      expires_in_seconds: 900,
    });
    const stored = services.exportFiles.files.get('exports/alice/2026-11-24T09:00:00.000Z.json');
    expect(stored?.body).toContain('"url":"https://go.dev/"');
  });

  it('given an unknown delivery, when exported, then 400 names the field', async () => {
    const answer = await exportAs({ delivery: 'email' });

    expect(expectError(answer, 400, 'invalid_request').error.details).toHaveProperty('delivery');
  });

  it('given an unknown format, when exported, then 400 names the field', async () => {
    const answer = await exportAs({ format: 'csv' });

    expect(expectError(answer, 400, 'invalid_request').error.details).toHaveProperty('format');
  });

  it('given no token, when exported, then 401', async () => {
    const answer = await call(exportLinks, { method: 'GET', path: '/v1/export' });

    expectError(answer, 401, 'unauthorized');
  });
});
