import * as z from 'zod';
import { timestampSchema } from '../http/schemas.ts';
import { bookmarkFormatSchema, importIdSchema, importSchema, type Import } from './model.ts';

export const startImportRequest = z.object({
  format: bookmarkFormatSchema.optional().meta({
    description:
      "`netscape`: the bookmark file of browsers and bookmark services; `pinboard`: Pinboard's JSON export. " +
      'Detected from the file when absent.',
  }),
});

export const importPath = z.object({
  import_id: importIdSchema.meta({ example: 'mio5xk2a0f3c9b8e7d6a5b4c3' }),
});

export const startedImport = z
  .object({
    import_id: z.string(),
    upload_url: z.string().meta({ description: 'PUT the file here (at most 10 MiB) within 15 minutes.' }),
    expires_at: timestampSchema,
  })
  .meta({ id: 'StartedImport' });

/** An import as its owner sees it: neither the owner's name nor the worker's checkpoint. */
export const importResponseSchema = importSchema
  .omit({ username: true, checkpoint: true })
  .meta({ id: 'Import' });
export type ImportResponse = z.infer<typeof importResponseSchema>;

export function toImportResponse(record: Import): ImportResponse {
  return importResponseSchema.parse(record);
}

export const importListing = z
  .object({ imports: z.array(importResponseSchema) })
  .meta({ id: 'ImportListing' });
