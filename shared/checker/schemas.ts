import * as z from '../zod.ts';
import { urlSchema } from '../links/model.ts';

/** The schemas of the link checker's routes: they validate requests and generate the OpenAPI document. */

export const snapshotQuery = z.meta(z.object({ url: urlSchema }), { id: 'SnapshotQuery' });

/** Ten years: older than any link can be, and far inside the range of a date. */
export const MAX_STALE_AFTER_SECONDS = 10 * 365 * 86_400;

const staleAfterSeconds = z.coerce
  .number()
  .check(z.int(), z.gte(0), z.lte(MAX_STALE_AFTER_SECONDS, `at most ${MAX_STALE_AFTER_SECONDS} (ten years)`));

export const recheckRequest = z.meta(
  z.strictObject({
    stale_after_seconds: z.meta(z.optional(staleAfterSeconds), {
      description: 'Re-check links checked longer ago than this; 0 re-checks every link. Default: 7 days.',
    }),
  }),
  { id: 'RecheckRequest' },
);

export const recheckReport = z.meta(
  z.object({
    queued: z.number().check(z.int()),
    deferred: z.meta(z.number().check(z.int()), {
      description: "Due, but over their user's share of this run.",
    }),
    users: z.number().check(z.int()),
    stopped_early: z.boolean(),
  }),
  { id: 'RecheckReport' },
);
