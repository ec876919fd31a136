import { z } from 'zod';
import { linkSchema } from '../links/model.ts';

/**
 * One change for a user's search index, sent by the links stream's dispatcher to the searchUpdates queue (FIFO,
 * grouped by username, so each user's changes arrive in order and one at a time): `upsert` carries the link as
 * it now is (added, edited, or checked: a check may have brought page text), `remove` the link as it was.
 */
export const searchUpdateSchema = z.object({
  username: z.string().min(1),
  change: z.enum(['upsert', 'remove']),
  link: linkSchema,
});
export type SearchUpdate = z.infer<typeof searchUpdateSchema>;
