import * as z from 'zod';
import { safeReturnPath } from '../../web/src/paths.ts';
import type { IssuedToken } from './sessions.ts';
import type { CreatedToken, ListedCredential } from './tokens.ts';
import { timestampSchema } from '../http/schemas.ts';
import {
  credentialSchema,
  personalScopeSchema,
  publicUsernameSchema,
  userSchema,
  usernameSchema,
  type Credential,
  type Profile,
  type User,
} from './model.ts';

export { publicUsernameSchema };

export const devLoginRequest = z.object({ username: usernameSchema }).meta({ id: 'DevLoginRequest' });

/** What anybody sees of a user: the profile without the email. */
const userResponse = userSchema.omit({ email: true }).meta({ id: 'User' });

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

/** GET /login: where the browser goes once signed in, a path of the site's own (never another origin). */
export const loginQuery = z
  .object({
    next: z
      .string()
      .max(2048)
      .refine((next) => safeReturnPath(next) === next, 'a path on this site, such as /add?url=...')
      .optional()
      .meta({ description: 'Where a browser lands once signed in (default `/`): a path on this site.' }),
  })
  .meta({ id: 'LoginQuery' });

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

/** POST /v1/tokens: a personal token's name, scope and optional lifetime. */
export const createTokenRequest = z
  .object({
    name: z
      .string()
      .transform((value) => value.trim())
      .pipe(z.string().min(1, 'name is 1 to 100 characters').max(100, 'name is 1 to 100 characters'))
      .meta({ description: 'What the token is for, 1 to 100 characters.', example: 'feed reader' }),
    scope: personalScopeSchema.meta({
      description:
        '`read`: only reads (GET); `feed`: only the news feed; `write`: everything but managing tokens and ' +
        'deleting the account.',
    }),
    expires_in_days: z.coerce
      .number()
      .int('expires_in_days is a whole number')
      .min(1, 'expires_in_days is 1 to 365')
      .max(365, 'expires_in_days is 1 to 365')
      .optional()
      .meta({ description: 'Days until the token expires, 1 to 365; without it, it never expires.' }),
  })
  .meta({ id: 'CreateTokenRequest' });

export const tokenPath = z.object({
  id: z.string().min(1).max(64).meta({ example: 'q3Zp0v6mYJ2cB0mS9kQe1A' }),
});

/** A credential as its owner sees it: never its secret nor the secret's hash. */
const credentialView = credentialSchema
  .pick({ name: true, scope: true, created_at: true, expires_at: true, last_used_at: true })
  .extend({ id: credentialSchema.shape.token_id });

/** POST /v1/tokens's answer: the credential, and its secret, shown only here. */
export const createdTokenResponse = credentialView
  .extend({
    scope: personalScopeSchema,
    token: z
      .string()
      .meta({ description: 'The secret: shown only in this answer. Send it as a bearer token.' }),
  })
  .meta({ id: 'CreatedToken' });

export const listedToken = credentialView
  .extend({
    current: z.boolean().meta({ description: 'The credential that made this request.' }),
  })
  .meta({
    id: 'Token',
    description: 'A login session (scope `session`) or a personal token, without its secret.',
  });

export const tokenListing = z.object({ tokens: z.array(listedToken) }).meta({ id: 'TokenListing' });

/** POST /logout: `?everywhere=true` ends every session and token of the caller. */
export const logoutQuery = z
  .object({
    everywhere: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true')
      .meta({
        description: '`true`: end every session and personal token of the caller, not only this one.',
      }),
  })
  .meta({ id: 'LogoutQuery' });

function toCredentialView(credential: Credential): z.infer<typeof credentialView> {
  const { token_id, name, scope, created_at, expires_at, last_used_at } = credential;
  return { id: token_id, name, scope, created_at, expires_at, last_used_at };
}

export function toCreatedTokenResponse(created: CreatedToken): z.infer<typeof createdTokenResponse> {
  return createdTokenResponse.parse({ ...toCredentialView(created.credential), token: created.token });
}

export function toTokenListing(listed: ListedCredential[]): z.infer<typeof tokenListing> {
  return {
    tokens: listed.map(({ credential, current }) => ({ ...toCredentialView(credential), current })),
  };
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
