import * as z from '../zod.ts';
import { timestampSchema } from '../http/schemas.ts';
import { publicUsernameSchema, usernameSchema } from '../users/model.ts';

/** The two names a follow request may give the user to follow by; one of them is required. */
const followFields = z
  .strictObject({ username: z.optional(usernameSchema), followed: z.optional(usernameSchema) })
  .check(z.refine((body) => body.username ?? body.followed, { message: 'required', path: ['username'] }));

/** `username`, or the original clients' `followed`: one of the two is required. */
export const followRequest = z.meta(
  z.pipe(
    followFields,
    z.transform((body: z.output<typeof followFields>) => ({ username: (body.username ?? body.followed)! })),
  ),
  {
    id: 'FollowRequest',
    override: { anyOf: [{ required: ['username'] }, { required: ['followed'] }] },
  },
);

/** `DELETE /v1/following?username=`. */
export const unfollowQuery = z.object({ username: usernameSchema });

/** The public contract's listing: the core's FollowListing with the contract's names and formats. */
export const followListing = z.meta(
  z.object({
    users: z.array(z.object({ username: publicUsernameSchema, since: timestampSchema })),
    next_token: z.nullable(z.string()),
  }),
  { id: 'FollowListing' },
);
