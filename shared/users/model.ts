import * as z from '../zod.ts';
import { timestampSchema } from '../http/schemas.ts';
import { SCOPE_ORDER } from '../wiring.ts';

/** GitHub logins, lower-cased: the only usernames there are. */
const USERNAME = /^[a-z0-9][a-z0-9-]{0,38}$/;

/** A username as the service writes it in its answers. */
export const publicUsernameSchema = z.meta(z.string().check(z.regex(USERNAME)), { example: 'alice' });

/** A username as a request may give it, before it is trimmed and lower-cased. */
const usernameInput = z.meta(z.string(), {
  // The document states the rule on the input side, where any case is fine.
  pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,38}$',
  description: 'A GitHub login: 1 to 39 letters, digits or hyphens, not starting with a hyphen; any case.',
  example: 'alice',
});

/** A username as a request may give it: in any case (it is trimmed and lower-cased before the check). */
export const usernameSchema = z.pipe(
  z.pipe(
    usernameInput,
    z.transform((value: string) => value.trim().toLowerCase()),
  ),
  z
    .string()
    .check(z.regex(USERNAME, 'a username is 1 to 39 letters, digits or hyphens, not starting with a hyphen')),
);

/**
 * A user's profile: the one declaration of its fields, named as the users table stores them and the contract
 * answers them. The responses are projections of it (shared/users/schemas/), the table's items a copy of it
 * beside their keys (shared/users/dynamodb.ts).
 */
export const userSchema = z.object({
  username: publicUsernameSchema,
  name: z.string(),
  email: z.nullable(z.string()),
  avatar_url: z.nullable(z.string()),
  created_at: timestampSchema,
});

export type User = z.infer<typeof userSchema>;

/** What a credential may do, least first (shared/wiring.ts `Scope`): a login session may do everything. */
export const credentialScopeSchema = z.enum(SCOPE_ORDER);
/** The scopes of personal tokens: a login session is only ever issued by a login. */
export const personalScopeSchema = z.enum(['read', 'write', 'feed']);

/**
 * A credential: a login session or a personal token, the one declaration of its fields as the users table stores
 * them (shared/users/dynamodb.ts) and, without the hash, as GET /v1/tokens shows them
 * (shared/users/schemas/tokens.ts). The secret itself is never stored: only its hash.
 */
export const credentialSchema = z.object({
  /** 16 random bytes, base64url: public, the `id` of the contract. */
  token_id: z.string().check(z.minLength(1)),
  token_hash: z.string().check(z.minLength(1)),
  username: publicUsernameSchema,
  scope: credentialScopeSchema,
  /** The person's name for a personal token; what issued it for a session ("GitHub login", "dev login"). */
  name: z.string(),
  created_at: timestampSchema,
  /** Null: a personal token without expiry. */
  expires_at: z.nullable(timestampSchema),
  /** Noted at most once a minute (shared/users/sessions.ts). */
  last_used_at: z.nullable(timestampSchema),
});

export type Credential = z.infer<typeof credentialSchema>;
export type CredentialScope = Credential['scope'];

/** Who GitHub says a person is, as read during login. The GitHub access token itself is never kept. */
export interface GitHubIdentity {
  /** GitHub's numeric account id: stable when the account is renamed, so it is what identifies the user. */
  id: number;
  /** The login as GitHub spells it now (any case). */
  login: string;
  name: string | null;
  /** The public email, else the primary verified one; null when GitHub shows none. */
  email: string | null;
  avatarUrl: string | null;
}

/** A user with the counts that the profile routes show. */
export interface Profile {
  user: User;
  /** All the user's links, private ones included: only the user sees this one. */
  linksCount: number;
  /** The links that are not private: what other users see. */
  publicLinksCount: number;
  followersCount: number;
  followingCount: number;
}

/**
 * The steps of an account's erasure, in the order they run (shared/users/erasure.ts). Follows go first, so that
 * the links' deletions that follow find no reader to fan out to; the profile goes last, so that a half-erased
 * account stays marked as being deleted. Imports go before links: a running import stops at its next checkpoint
 * once its record is gone, and whatever it inserted before that the links step then deletes. The search index
 * goes after the links: the updater deletes an index left empty, so the links' late removals cannot bring one
 * back.
 */
export const ERASURE_STEPS = [
  'follows',
  'imports',
  'links',
  'snapshots',
  'searchIndex',
  'news',
  'account',
] as const;
export type ErasureStep = (typeof ERASURE_STEPS)[number];

/** One message of the erasure queue: whose account, the step to run, and where in it the last run stopped. */
export const erasureMessageSchema = z.object({
  username: publicUsernameSchema,
  step: z.enum(ERASURE_STEPS),
  cursor: z.optional(z.string()),
});
export type ErasureProgress = z.infer<typeof erasureMessageSchema>;
