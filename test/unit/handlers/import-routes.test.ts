import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Imports } from '../../../shared/imports/core.ts';
import { setImportsForTests } from '../../../shared/imports/service.ts';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { call, expectError, stubFunctionEnvironment } from '../support/http.ts';
import { InMemoryImportStore, InMemoryUploadedFiles } from '../support/memory-imports.ts';
import { NOW, useInMemoryServices } from '../support/services.ts';

const TOKEN = 'dlk_alices-unit-test-token';
const services = useInMemoryServices();
let startImport: HttpHandler;
let getImport: HttpHandler;
let listImports: HttpHandler;
let store: InMemoryImportStore;

beforeAll(async () => {
  stubFunctionEnvironment();
  ({ handler: startImport } = await import('../../../functions/imports/start-import.ts'));
  ({ handler: getImport } = await import('../../../functions/imports/get-import.ts'));
  ({ handler: listImports } = await import('../../../functions/imports/list-imports.ts'));
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  services.givenSession(TOKEN, { username: 'alice' });
  store = new InMemoryImportStore();
  let serial = 0;
  setImportsForTests(
    new Imports(
      store,
      new InMemoryUploadedFiles(),
      () => (serial++).toString(16).padStart(16, '0'),
      () => new Date(NOW),
    ),
  );
});
afterEach(() => setImportsForTests(undefined));

describe('the import routes', () => {
  it('given a caller, when POST /v1/imports, then 202 with the import id, an upload URL and when it expires', async () => {
    const answer = await call<{ import_id: string; upload_url: string; expires_at: string }>(startImport, {
      method: 'POST',
      path: '/v1/imports',
      token: TOKEN,
      body: { format: 'pinboard' },
    });

    expect(answer.status).toBe(202);
    expect(answer.body.upload_url).toContain(`imports/alice/${answer.body.import_id}`);
    expect(answer.body.expires_at).toBe(new Date(NOW + 15 * 60 * 1000).toISOString());
    expect((await store.get('alice', answer.body.import_id))?.format).toBe('pinboard');
  });

  it('given an unknown format, when POST /v1/imports, then 400', async () => {
    const answer = await call(startImport, {
      method: 'POST',
      path: '/v1/imports',
      token: TOKEN,
      body: { format: 'csv' },
    });

    expectError(answer, 400, 'invalid_request');
  });

  it("given alice's import, when she reads it and lists hers, then she sees it without its owner or checkpoint", async () => {
    const started = await call<{ import_id: string }>(startImport, {
      method: 'POST',
      path: '/v1/imports',
      token: TOKEN,
      body: {},
    });
    const id = started.body.import_id;

    const one = await call<Record<string, unknown>>(getImport, {
      method: 'GET',
      path: `/v1/imports/${id}`,
      token: TOKEN,
      pathParameters: { import_id: id },
    });
    const all = await call<{ imports: { import_id: string }[] }>(listImports, {
      method: 'GET',
      path: '/v1/imports',
      token: TOKEN,
    });

    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      import_id: id,
      status: 'pending',
      total: 0,
      errors: [],
      finished_at: null,
    });
    expect(one.body).not.toHaveProperty('username');
    expect(one.body).not.toHaveProperty('checkpoint');
    expect(all.body.imports.map((record) => record.import_id)).toEqual([id]);
  });

  it("given bob's import, when alice asks for it by id, then 404", async () => {
    const { record } = await new Imports(store, new InMemoryUploadedFiles(), () => 'f'.repeat(16)).start(
      'bob',
      undefined,
    );

    const answer = await call(getImport, {
      method: 'GET',
      path: `/v1/imports/${record.import_id}`,
      token: TOKEN,
      pathParameters: { import_id: record.import_id },
    });

    expectError(answer, 404, 'not_found');
  });
});
