import * as z from 'zod';

/** The paging parameters every list shares: `limit` (1 to 100, default 10) and an opaque `start_token`. */

export const limitSchema = z.coerce
  .number()
  .int('limit is a whole number')
  .min(1, 'limit is at least 1')
  .max(100, 'limit is at most 100')
  .default(10)
  .meta({ description: 'Page size, 1 to 100.' });

export const startTokenSchema = z
  .string()
  .optional()
  .meta({ description: 'The next_token of the previous page.' });

export const pageQuery = z.object({ start_token: startTokenSchema, limit: limitSchema });
