import * as z from '../zod.ts';
import { timestampSchema } from '../http/schemas.ts';
import { bookmarkFormatSchema, importIdSchema, importSchema, type Import } from './model.ts';

export const startImportRequest = z.strictObject({
  format: z.meta(z.optional(bookmarkFormatSchema), {
    description:
      "`netscape`: the bookmark file of browsers and bookmark services; `pinboard`: Pinboard's JSON export. " +
      'Detected from the file when absent.',
  }),
});

export const importPath = z.object({
  import_id: z.meta(importIdSchema, { example: 'mio5xk2a0f3c9b8e7d6a5b4c3' }),
});

export const startedImport = z.meta(
  z.object({
    import_id: z.string(),
    upload_url: z.meta(z.string(), { description: 'PUT the file here (at most 10 MiB) within 15 minutes.' }),
    expires_at: timestampSchema,
  }),
  { id: 'StartedImport' },
);

/** An import as its owner sees it: neither the owner's name nor the worker's checkpoint. */
export const importResponseSchema = z.meta(z.omit(importSchema, { username: true, checkpoint: true }), {
  id: 'Import',
});
export type ImportResponse = z.infer<typeof importResponseSchema>;

export function toImportResponse(record: Import): ImportResponse {
  return importResponseSchema.parse(record);
}

export const importListing = z.meta(z.object({ imports: z.array(importResponseSchema) }), {
  id: 'ImportListing',
});
