import * as z from 'zod';

/** Schemas that every context's answers share. */

/** RFC 3339 UTC with milliseconds, as the contract writes every timestamp. */
export const timestampSchema = z.string().meta({
  format: 'date-time',
  description: 'RFC 3339, UTC, milliseconds.',
  example: '2026-11-23T18:00:00.000Z',
});

/**
 * A file's presigned download, for a client that asks for it as JSON rather than a 302: a browser page that
 * authenticates with a header cannot follow a redirect to another origin into a download, so it opens the URL.
 */
export const downloadLinkSchema = z
  .object({
    download_url: z.string().meta({ description: 'A presigned download of the file; needs no token.' }),
    expires_in_seconds: z.number().int().meta({ description: 'How long the URL works.' }),
  })
  .meta({ id: 'DownloadLink' });
export type DownloadLink = z.infer<typeof downloadLinkSchema>;
