import * as z from 'zod';
import { urlSchema } from '../links/model.ts';

/** The schemas of the link checker's routes: they validate requests and generate the OpenAPI document. */

export const snapshotQuery = z.object({ url: urlSchema }).meta({ id: 'SnapshotQuery' });

/** Ten years: older than any link can be, and far inside the range of a date. */
export const MAX_STALE_AFTER_SECONDS = 10 * 365 * 86_400;

export const recheckRequest = z
  .object({
    stale_after_seconds: z.coerce
      .number()
      .int()
      .min(0)
      .max(MAX_STALE_AFTER_SECONDS, `at most ${MAX_STALE_AFTER_SECONDS} (ten years)`)
      .optional()
      .meta({
        description: 'Re-check links checked longer ago than this; 0 re-checks every link. Default: 7 days.',
      }),
  })
  .meta({ id: 'RecheckRequest' });

export const recheckReport = z
  .object({
    queued: z.number().int(),
    deferred: z.number().int().meta({ description: "Due, but over their user's share of this run." }),
    users: z.number().int(),
    stopped_early: z.boolean(),
  })
  .meta({ id: 'RecheckReport' });
