import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PREBUILT_VERSION, prebuiltDocument } from '../../../shared/ops/openapi-document.ts';

const aDocument = (version: string) => ({
  openapi: '3.1.0',
  info: { title: 'Delinkcious', version },
  paths: {},
});

describe('the OpenAPI document written beside the bundle of the function that serves it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'delinkcious-openapi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("given the written document, when read, then it is that one with the function's version", async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(aDocument(PREBUILT_VERSION)));

    const served = await prebuiltDocument(pathToFileURL(file), '1.4.2');

    expect(served).toEqual(aDocument('1.4.2'));
  });

  it('given no document beside the bundle, when read, then it fails rather than serve another', async () => {
    await expect(prebuiltDocument(pathToFileURL(join(dir, 'missing.json')), '1.4.2')).rejects.toThrow(
      /ENOENT/,
    );
  });
});
