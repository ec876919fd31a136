import * as z from '../zod.ts';

/** The paging parameters every list shares: `limit` (1 to 100, default 10) and an opaque `start_token`. */

export const limitSchema = z.meta(
  z._default(
    z.coerce
      .number()
      .check(
        z.int('limit is a whole number'),
        z.gte(1, 'limit is at least 1'),
        z.lte(100, 'limit is at most 100'),
      ),
    10,
  ),
  { description: 'Page size, 1 to 100.' },
);

export const startTokenSchema = z.meta(z.optional(z.string()), {
  description: 'The next_token of the previous page.',
});

export const pageQuery = z.object({ start_token: startTokenSchema, limit: limitSchema });
