import * as z from '../zod.ts';

/** Schemas that every context's answers share. */

/** RFC 3339 UTC with milliseconds, as the contract writes every timestamp. */
export const timestampSchema = z.meta(z.string(), {
  format: 'date-time',
  description: 'RFC 3339, UTC, milliseconds.',
  example: '2026-11-23T18:00:00.000Z',
});

/**
 * A file's presigned download, for a client that asks for it as JSON rather than a 302: a browser page that
 * authenticates with a header cannot follow a redirect to another origin into a download, so it opens the URL.
 */
export const downloadLinkSchema = z.meta(
  z.object({
    download_url: z.meta(z.string(), { description: 'A presigned download of the file; needs no token.' }),
    expires_in_seconds: z.meta(z.number().check(z.int()), { description: 'How long the URL works.' }),
  }),
  { id: 'DownloadLink' },
);
export type DownloadLink = z.infer<typeof downloadLinkSchema>;
