import { answer, bodyOf, failure, json, type Operations } from '../http/openapi-operation.ts';
import { importListing, importResponseSchema, startedImport, startImportRequest } from './schemas.ts';

/** The OpenAPI descriptions of the imports context's routes: bringing bookmarks in from a file. */
export const importOperations = {
  startImport: {
    summary: 'Start an import: a URL to upload a bookmark file to',
    description:
      'Answers an upload URL valid for 15 minutes: `PUT` the file there (at most 10 MiB; `curl -T file.html ' +
      "'<upload_url>'`). The import starts as soon as the file lands, and `GET /v1/imports/{import_id}` reports " +
      'how it goes. Formats: the Netscape bookmark file (browsers, linkding, Pinboard, Raindrop, Pocket) and ' +
      "Pinboard's JSON. URLs the caller already has are skipped and counted, never overwritten; unreadable " +
      'entries are errors with their line; entries past the link limit are errors; entries without a ' +
      '`PRIVATE` attribute import as private.',
    requestBody: bodyOf(startImportRequest, 'The format, when not to be detected.', false),
    responses: { '202': answer('The import waits for its file', { content: json(startedImport) }) },
  },
  getImport: {
    summary: 'How an import went',
    description:
      '`pending` until the file lands, `running`, then `done` or `failed` (with `failure_reason`: not a ' +
      'bookmark file, over 10 MiB). `errors` holds the first 500 errors, `error_count` all of them.',
    responses: {
      '200': answer('The import', { content: json(importResponseSchema) }),
      '404': failure('No such import of the caller'),
    },
  },
  listImports: {
    summary: "The caller's imports, newest first",
    description: 'The latest 100.',
    responses: { '200': answer('Imports', { content: json(importListing) }) },
  },
} satisfies Operations<'imports'>;
