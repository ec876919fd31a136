import * as z from 'zod';
import { usernameSchema } from '../users/model.ts';

/** `username`, or the original clients' `followed`. */
export const followRequest = z
  .object({ username: usernameSchema.optional(), followed: usernameSchema.optional() })
  .refine((body) => body.username ?? body.followed, { message: 'required', path: ['username'] })
  .transform((body) => ({ username: (body.username ?? body.followed)! }))
  .meta({ id: 'FollowRequest' });

export const followListing = z
  .object({
    users: z.array(z.object({ username: z.string(), since: z.string() })),
    next_token: z.string().nullable(),
  })
  .meta({ id: 'FollowListing' });
