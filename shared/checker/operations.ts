import * as z from 'zod';
import { answer, failure, json, type Operations } from '../http/openapi-operation.ts';
import { downloadLinkSchema } from '../http/schemas.ts';
import { recheckReport, recheckRequest, snapshotQuery } from './schemas.ts';

/** The OpenAPI descriptions of the link checker's routes: page snapshots and the re-check by hand. */
export const checkerOperations = {
  getSnapshot: {
    summary: "Download the latest page snapshot of one of the caller's links",
    description:
      "The link checker keeps a snapshot of a link's page (HTML, as fetched on its first check). The answer is a " +
      'redirect to a presigned download URL valid for 5 minutes; the object is gzip-encoded HTML ' +
      "(`Content-Encoding: gzip`, the page's own `Content-Type`), served as a download " +
      '(`Content-Disposition: attachment; filename="snapshot-<fetch time>.html"`): a browser saves it and never ' +
      'renders the untrusted page. A client that asks for JSON (`Accept: application/json`) gets the same URL ' +
      'in a 200 instead: a browser client whose credential is a header cannot follow the redirect itself.',
    query: snapshotQuery,
    responses: {
      '200': answer('The download URL, to a client that asks for JSON', {
        content: json(downloadLinkSchema),
      }),
      '302': answer('To a download URL valid for 5 minutes', {
        headers: { Location: z.string(), 'Cache-Control': z.literal('no-store') },
      }),
      '404': failure('No such link, or the link has no snapshot (yet)'),
    },
  },
  devRecheck: {
    summary: 'Fire the daily re-check of stale links by hand (local runtime only)',
    description:
      'Queues a check of every link not checked for `stale_after_seconds` (default 7 days; 0: every link), ' +
      "at most LINK_CHECKER_RECHECK_PER_USER per user, interleaved across users, as the deployed stack's daily " +
      'schedule does. `stale_after_seconds` may also come in the body.',
    query: recheckRequest,
    responses: { '200': answer('What was queued', { content: json(recheckReport) }) },
  },
} satisfies Operations<'checker'>;
