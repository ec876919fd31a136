import { readFile } from 'node:fs/promises';

/**
 * The OpenAPI document of the deployed routes is written when the `openapi` function is bundled, as this file
 * beside its entry (lib/bundling.ts), so that the function neither loads the schemas' descriptions and
 * zod-openapi nor builds the document (tens of milliseconds of CPU) on its first request.
 */
export const PREBUILT_OPENAPI_FILE = 'openapi.json';

/** The version a prebuilt document carries; the function serves it with its own APP_VERSION in its place. */
export const PREBUILT_VERSION = '0.0.0-prebuilt';

interface VersionedDocument {
  info: { version: string };
}

/** The document written at `file` when the bundle was built, with `version` in it. */
export async function prebuiltDocument(file: URL, version: string): Promise<VersionedDocument> {
  const document = JSON.parse(await readFile(file, 'utf8')) as VersionedDocument;
  return { ...document, info: { ...document.info, version } };
}
