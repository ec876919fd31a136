import * as z from 'zod';
import type { IssuedToken } from './sessions.ts';
import { timestampSchema } from '../http/schemas.ts';
import { publicUsernameSchema, userSchema, usernameSchema, type Profile, type User } from './model.ts';

export { publicUsernameSchema };

export const devLoginRequest = z.object({ username: usernameSchema }).meta({ id: 'DevLoginRequest' });

/** What anybody sees of a user: the profile without the email. */
export const userResponse = userSchema.omit({ email: true }).meta({ id: 'User' });

const toUserResponse = (user: User): z.infer<typeof userResponse> => userResponse.parse(user);

export const tokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal('bearer'),
    expires_at: timestampSchema,
    user: userResponse,
  })
  .meta({ id: 'AccessToken' });

export function toTokenResponse(issued: IssuedToken): z.infer<typeof tokenResponse> {
  return {
    access_token: issued.accessToken,
    token_type: 'bearer',
    expires_at: issued.expiresAt,
    user: toUserResponse(issued.user),
  };
}

/** GitHub's redirect back to /login/authorized: a code, or GitHub's error; the state in both cases. */
export const loginCallbackQuery = z
  .object({
    state: z.string().min(1).max(512),
    // Required in the document: a request without a code can only be GitHub's `error`, always a 401.
    code: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .meta({ param: { required: true }, description: "GitHub's authorization code." }),
    error: z.string().min(1).max(256).optional(),
    error_description: z.string().max(1024).optional(),
  })
  .refine((query) => query.code !== undefined || query.error !== undefined, {
    path: ['code'],
    message: 'required',
  })
  .meta({ id: 'LoginCallbackQuery' });

export const userPath = z.object({ username: usernameSchema });

export const publicProfile = userResponse
  .extend({
    followers_count: z.number().int(),
    following_count: z.number().int(),
    links_count: z.number().int().meta({
      description:
        "The user's public links; in the caller's own profile (/v1/me), all of them, private ones too.",
    }),
  })
  .meta({ id: 'Profile' });

export const ownProfile = publicProfile
  .extend({ email: z.string().nullable() })
  .meta({ id: 'OwnProfile', description: "The caller's own profile: the public one, and the email." });

/** What any user sees of a profile: private links are not counted. */
export function toPublicProfile(profile: Profile): z.infer<typeof publicProfile> {
  return {
    ...toUserResponse(profile.user),
    followers_count: profile.followersCount,
    following_count: profile.followingCount,
    links_count: profile.publicLinksCount,
  };
}

/** What the user sees of her own profile: the email, and all her links counted. */
export function toOwnProfile(profile: Profile): z.infer<typeof ownProfile> {
  const { username, name, ...rest } = toPublicProfile(profile);
  return { username, name, email: profile.user.email, ...rest, links_count: profile.linksCount };
}

/** DELETE /v1/me: the caller's own username, in any case, confirms that the account is to go. */
export const deleteAccountRequest = z
  .object({
    confirm: z
      .string()
      .meta({ description: 'Your username, to confirm the deletion.', example: 'alice' })
      .transform((value) => value.trim().toLowerCase()),
  })
  .meta({ id: 'DeleteAccountRequest' });

/** The answer to DELETE /v1/me: the erasure runs on, asynchronously. */
export const deletionResponse = z.object({ status: z.literal('deleting') }).meta({ id: 'AccountDeletion' });
