import type { Credential, ErasureProgress, GitHubIdentity, User } from './model.ts';

export interface UserStore {
  /** Stores the user unless one with that username exists; returns whichever is stored. */
  createIfAbsent(user: User): Promise<User>;
  get(username: string): Promise<User | undefined>;
}

/** Sessions and personal tokens: each one findable by its secret's hash, and listed under its owner. */
export interface CredentialStore {
  /**
   * Stores the credential, and ends `ended` (the sessions past the cap), all at once, only while its owner's
   * profile exists and no deletion of the account has started; false when it does not.
   */
  create(credential: Credential, ended: readonly Credential[]): Promise<boolean>;
  /** By the secret's hash, strongly consistent, so that a revoked token stops working at once. */
  get(tokenHash: string): Promise<Credential | undefined>;
  /** One of the user's credentials by its id; undefined when the user has none of that id. */
  find(username: string, tokenId: string): Promise<Credential | undefined>;
  /**
   * Every credential of the user, expired ones included (until the TTL removes them), any order. Their
   * `last_used_at` is read only when asked for (it costs a batch read of the lookup items), else null.
   */
  list(username: string, withLastUse?: boolean): Promise<Credential[]>;
  /** Ends the credentials: afterwards none of them authenticates. */
  delete(credentials: readonly Credential[]): Promise<void>;
  /** Notes `at` as the credential's last use, unless a use after `notBefore` is already noted. */
  markUsed(tokenHash: string, at: string, notBefore: string): Promise<void>;
}

/** The identity provider (GitHub) as the login core sees it: an authorize URL, and a code turned into an identity. */
export interface IdentityProvider {
  /** Where the provider sends the browser back; https means the state cookie is `Secure`. */
  readonly callbackUrl: string;
  authorizationUrl(state: string): string;
  /**
   * Exchanges the callback's code and reads who logged in. Unauthorized when the provider rejects the code,
   * Unavailable when it is down or answers with an error.
   */
  identify(code: string): Promise<GitHubIdentity>;
}

/** OAuth `state` values awaiting their callback, kept only as hashes, each usable once. */
export interface LoginStateStore {
  save(stateHash: string, expiresAt: string): Promise<void>;
  /** Deletes the state if it exists and has not expired; false when it was unknown, expired or already used. */
  consume(stateHash: string, now: Date): Promise<boolean>;
}

export type RegistrationResult =
  | { outcome: 'registered'; user: User }
  /** Another login of the same GitHub account registered it first. */
  | { outcome: 'identity_taken' }
  /** The username belongs to a different GitHub account. */
  | { outcome: 'username_taken' };

/** Which user a GitHub account is: the GitHub id -> username mapping, and the profile fields GitHub provides. */
export interface IdentityStore {
  usernameFor(githubId: number): Promise<string | undefined>;
  /** Stores the mapping and the profile together, unless either is already taken. */
  register(user: User, identity: GitHubIdentity): Promise<RegistrationResult>;
  /** Updates the profile of the user linked to this GitHub account; undefined when there is no such profile. */
  refresh(username: string, identity: GitHubIdentity, fields: ProfileFields): Promise<User | undefined>;
}

export type ProfileFields = Pick<User, 'name' | 'email' | 'avatar_url'>;

/** A user's link counts: implemented by the links context, which owns its counters. */
export interface LinkCounts {
  /** All the user's links, and the public ones (those that are not private). */
  linksCount(username: string): Promise<{ all: number; public: number }>;
}

/** A user's follower and following counts: implemented by the social context, which owns its counters. */
export interface SocialCounts {
  counts(username: string): Promise<{ followers: number; following: number }>;
}

/** Every session and token of a user, which end at once (implemented with the personal tokens). */
export interface Credentials {
  revokeAll(username: string): Promise<void>;
}

/** What a bounded chunk of an erasure step left: nothing (`done`), or more, from `cursor` when it has one. */
export type ChunkOutcome = { done: true } | { done: false; cursor?: string };

/**
 * The users table's side of a deletion: the profile's mark, and, last, the account's own items. Implemented by
 * shared/users/erasure-store.ts.
 */
export interface AccountStore {
  /** Sets `deleting_since` on the profile, keeping an earlier one; false when there is no profile. */
  markDeleting(username: string, since: string): Promise<boolean>;
  /** Whether the profile exists, and whether it is marked as being deleted. */
  state(username: string): Promise<'active' | 'deleting' | 'absent'>;
  /** Erases a chunk of the account's items: its GitHub identity mapping, its other items, its profile last. */
  eraseChunk(username: string): Promise<ChunkOutcome>;
}

/** The social graph as an erasure needs it: implemented by the social context (shared/social/erasure.ts). */
export interface FollowsErasure {
  /** Whom the user follows: the first `limit`, strongly consistent. */
  following(username: string, limit: number): Promise<string[]>;
  /** Who follows the user, from `cursor` on; the index behind it may lag behind the latest unfollows. */
  followers(
    username: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ usernames: string[]; next?: string }>;
  /** Ends a follow, both counters corrected with it; false when there was no such follow. */
  unfollow(follower: string, followed: string): Promise<boolean>;
  /** Deletes the user's own follow counters, once no follow of theirs is left. */
  forgetCounters(username: string): Promise<void>;
}

/** The news as an erasure needs it: implemented by the news context (shared/news/erasure.ts). */
export interface NewsErasure {
  /** Removes every item of the author from each reader's news. */
  forgetAuthor(readers: string[], author: string): Promise<void>;
  /** Erases a chunk of the user's own news. */
  eraseChunk(username: string): Promise<ChunkOutcome>;
}

/** A user's items in another context, erased a chunk at a time (links, snapshots). */
export interface ChunkedErasure {
  eraseChunk(username: string): Promise<ChunkOutcome>;
}

/** Where the next step of an erasure goes when a run ends before the erasure does. */
export interface ErasureQueue {
  send(progress: ErasureProgress): Promise<void>;
}
