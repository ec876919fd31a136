import * as z from 'zod';
import { timestampSchema } from '../http/schemas.ts';
import { publicUsernameSchema, usernameSchema } from '../users/model.ts';

/** `username`, or the original clients' `followed`: one of the two is required. */
export const followRequest = z
  .object({ username: usernameSchema.optional(), followed: usernameSchema.optional() })
  .refine((body) => body.username ?? body.followed, { message: 'required', path: ['username'] })
  .transform((body) => ({ username: (body.username ?? body.followed)! }))
  .meta({
    id: 'FollowRequest',
    override: { anyOf: [{ required: ['username'] }, { required: ['followed'] }] },
  });

/** `DELETE /v1/following?username=`. */
export const unfollowQuery = z.object({ username: usernameSchema });

/** The public contract's listing: the core's FollowListing with the contract's names and formats. */
export const followListing = z
  .object({
    users: z.array(z.object({ username: publicUsernameSchema, since: timestampSchema })),
    next_token: z.string().nullable(),
  })
  .meta({ id: 'FollowListing' });
