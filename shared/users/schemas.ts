import * as z from '../zod.ts';
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

export const devLoginRequest = z.meta(z.object({ username: usernameSchema }), { id: 'DevLoginRequest' });

/** What anybody sees of a user: the profile without the email. */
const userResponse = z.meta(z.omit(userSchema, { email: true }), { id: 'User' });

const toUserResponse = (user: User): z.infer<typeof userResponse> => userResponse.parse(user);

export const tokenResponse = z.meta(
  z.object({
    access_token: z.string(),
    token_type: z.literal('bearer'),
    expires_at: timestampSchema,
    user: userResponse,
  }),
  { id: 'AccessToken' },
);

export function toTokenResponse(issued: IssuedToken): z.infer<typeof tokenResponse> {
  return {
    access_token: issued.accessToken,
    token_type: 'bearer',
    expires_at: issued.expiresAt,
    user: toUserResponse(issued.user),
  };
}

/** GET /login: where the browser goes once signed in, a path of the site's own (never another origin). */
export const loginQuery = z.meta(
  z.object({
    next: z.meta(
      z.optional(
        z.string().check(
          z.maxLength(2048),
          z.refine((next) => safeReturnPath(next) === next, 'a path on this site, such as /add?url=...'),
        ),
      ),
      { description: 'Where a browser lands once signed in (default `/`): a path on this site.' },
    ),
  }),
  { id: 'LoginQuery' },
);

/** GitHub's redirect back to /login/authorized: a code, or GitHub's error; the state in both cases. */
export const loginCallbackQuery = z.meta(
  z
    .object({
      state: z.string().check(z.minLength(1), z.maxLength(512)),
      // Required in the document: a request without a code can only be GitHub's `error`, always a 401.
      code: z.meta(z.optional(z.string().check(z.minLength(1), z.maxLength(512))), {
        param: { required: true },
        description: "GitHub's authorization code.",
      }),
      error: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
      error_description: z.optional(z.string().check(z.maxLength(1024))),
    })
    .check(
      z.refine((query) => query.code !== undefined || query.error !== undefined, {
        path: ['code'],
        message: 'required',
      }),
    ),
  { id: 'LoginCallbackQuery' },
);

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

/** A personal token's name: trimmed, then 1 to 100 characters. */
const tokenName = z.pipe(
  z.pipe(
    z.string(),
    z.transform((value: string) => value.trim()),
  ),
  z
    .string()
    .check(z.minLength(1, 'name is 1 to 100 characters'), z.maxLength(100, 'name is 1 to 100 characters')),
);

/** A personal token's lifetime in days, 1 to 365 (a query-like string is read as a number). */
const tokenLifetimeDays = z.coerce
  .number()
  .check(
    z.int('expires_in_days is a whole number'),
    z.gte(1, 'expires_in_days is 1 to 365'),
    z.lte(365, 'expires_in_days is 1 to 365'),
  );

/** POST /v1/tokens: a personal token's name, scope and optional lifetime. */
export const createTokenRequest = z.meta(
  z.object({
    name: z.meta(tokenName, {
      description: 'What the token is for, 1 to 100 characters.',
      example: 'feed reader',
    }),
    scope: z.meta(personalScopeSchema, {
      description:
        '`read`: only reads (GET); `feed`: only the news feed; `write`: everything but managing tokens and ' +
        'deleting the account.',
    }),
    expires_in_days: z.meta(z.optional(tokenLifetimeDays), {
      description: 'Days until the token expires, 1 to 365; without it, it never expires.',
    }),
  }),
  { id: 'CreateTokenRequest' },
);

export const tokenPath = z.object({
  id: z.meta(z.string().check(z.minLength(1), z.maxLength(64)), { example: 'q3Zp0v6mYJ2cB0mS9kQe1A' }),
});

/** A credential as its owner sees it: never its secret nor the secret's hash. */
const credentialView = z.extend(
  z.pick(credentialSchema, {
    name: true,
    scope: true,
    created_at: true,
    expires_at: true,
    last_used_at: true,
  }),
  { id: credentialSchema.shape.token_id },
);

/** POST /v1/tokens's answer: the credential, and its secret, shown only here. */
export const createdTokenResponse = z.meta(
  z.extend(credentialView, {
    scope: personalScopeSchema,
    token: z.meta(z.string(), {
      description: 'The secret: shown only in this answer. Send it as a bearer token.',
    }),
  }),
  { id: 'CreatedToken' },
);

export const listedToken = z.meta(
  z.extend(credentialView, {
    current: z.meta(z.boolean(), { description: 'The credential that made this request.' }),
  }),
  {
    id: 'Token',
    description: 'A login session (scope `session`) or a personal token, without its secret.',
  },
);

export const tokenListing = z.meta(z.object({ tokens: z.array(listedToken) }), { id: 'TokenListing' });

/** POST /logout: `?everywhere=true` ends every session and token of the caller. */
export const logoutQuery = z.meta(
  z.object({
    everywhere: z.meta(
      z.pipe(
        z._default(z.enum(['true', 'false']), 'false'),
        z.transform((value: 'true' | 'false') => value === 'true'),
      ),
      { description: '`true`: end every session and personal token of the caller, not only this one.' },
    ),
  }),
  { id: 'LogoutQuery' },
);

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
export const deleteAccountRequest = z.meta(
  z.object({
    confirm: z.pipe(
      z.meta(z.string(), { description: 'Your username, to confirm the deletion.', example: 'alice' }),
      z.transform((value: string) => value.trim().toLowerCase()),
    ),
  }),
  { id: 'DeleteAccountRequest' },
);

/** The answer to DELETE /v1/me: the erasure runs on, asynchronously. */
export const deletionResponse = z.meta(z.object({ status: z.literal('deleting') }), {
  id: 'AccountDeletion',
});
