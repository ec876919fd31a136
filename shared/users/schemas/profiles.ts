import * as z from '../../zod.ts';
import { userSchema, usernameSchema, type Profile, type User } from '../model.ts';

/**
 * The profiles' requests and answers: GET /v1/users/{username} and /v1/me, and a user in a path. The users
 * context's schemas are split by route family so that a function builds, as it loads, only its family's.
 */

/** What anybody sees of a user: the profile without the email. */
export const userResponse = z.meta(z.omit(userSchema, { email: true }), { id: 'User' });

export const toUserResponse = (user: User): z.infer<typeof userResponse> => userResponse.parse(user);

export const userPath = z.object({ username: usernameSchema });

export const publicProfile = z.meta(
  z.extend(userResponse, {
    followers_count: z.number().check(z.int()),
    following_count: z.number().check(z.int()),
    links_count: z.meta(z.number().check(z.int()), {
      description:
        "The user's public links; in the caller's own profile (/v1/me), all of them, private ones too.",
    }),
  }),
  { id: 'Profile' },
);

export const ownProfile = z.meta(z.extend(publicProfile, { email: z.nullable(z.string()) }), {
  id: 'OwnProfile',
  description: "The caller's own profile: the public one, and the email.",
});

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
