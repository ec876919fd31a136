import { createHash, randomBytes } from 'node:crypto';
import { Unauthorized } from '../errors.ts';
import type { Credential, CredentialScope, User } from './model.ts';
import type { CredentialStore, UserStore } from './ports.ts';

const TOKEN_PREFIX = 'dlk_';
const DAY_MS = 24 * 60 * 60 * 1000;
/** A credential's last use is noted at most once a minute: finer would cost a write on every request. */
export const LAST_USED_RESOLUTION_MS = 60 * 1000;
/** One login's transaction ends at most this many old sessions (2 items each, within DynamoDB's 100). */
const MOST_ENDED_AT_ONCE = 40;

/** 256 random bits; the prefix lets secret scanners recognise a leaked token. */
export function newAccessToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** A credential's public id: 16 random bytes, base64url. */
export function newTokenId(): string {
  return randomBytes(16).toString('base64url');
}

/** Tokens are stored and looked up only by this hash; the token itself is never kept. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Whether the credential is still valid at `now` (a personal token without expiry always is). */
export function isLive(credential: Credential, now: Date): boolean {
  return credential.expires_at === null || Date.parse(credential.expires_at) > now.getTime();
}

export interface IssuedToken {
  accessToken: string;
  expiresAt: string;
  user: User;
}

/** Who is calling, by which credential: what the gate needs to decide and to count. */
export interface Authenticated {
  username: string;
  scope: CredentialScope;
  tokenId: string;
  /** When the credential expires; null for a personal token without expiry. */
  expiresAt: string | null;
  /** Notes this use, at most once a minute per credential; the gate runs it beside the rate limiter. */
  recordUse(): Promise<void>;
}

export interface SessionSettings {
  lifetimeDays: number;
  /** Live sessions per user at most; a login past it ends the oldest (MAX_SESSIONS_PER_USER). */
  maxSessionsPerUser: number;
}

/** Login sessions: issued by a login, found by their token, ended by logout. */
export class Sessions {
  constructor(
    private readonly credentials: CredentialStore,
    private readonly users: UserStore,
    private readonly settings: SessionSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * A new session for a user who exists and is not being deleted (else Unauthorized); past the cap, the
   * user's oldest sessions end in the same transaction.
   */
  async issue(user: User, name = 'login'): Promise<IssuedToken> {
    const accessToken = newAccessToken();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.settings.lifetimeDays * DAY_MS).toISOString();
    const credential: Credential = {
      token_id: newTokenId(),
      token_hash: hashToken(accessToken),
      username: user.username,
      scope: 'session',
      name,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      last_used_at: null,
    };
    const ended = await this.sessionsPastCap(user.username, now);
    if (!(await this.credentials.create(credential, ended))) {
      throw new Unauthorized('This account does not exist or is being deleted.');
    }
    return { accessToken, expiresAt, user };
  }

  /** The oldest live sessions of the user that one more would push past the cap. */
  private async sessionsPastCap(username: string, now: Date): Promise<Credential[]> {
    const live = (await this.credentials.list(username))
      .filter((credential) => credential.scope === 'session' && isLive(credential, now))
      .sort(oldestFirst);
    const excess = live.length + 1 - this.settings.maxSessionsPerUser;
    return excess > 0 ? live.slice(0, Math.min(excess, MOST_ENDED_AT_ONCE)) : [];
  }

  /** The caller behind a presented token; Unauthorized for a missing, unknown, expired or revoked one. */
  async authenticate(token: string | undefined): Promise<Authenticated> {
    if (!token) throw new Unauthorized('An access token is required: send Authorization: Bearer <token>.');
    const credential = await this.credentials.get(hashToken(token));
    if (!credential || !isLive(credential, this.now())) {
      throw new Unauthorized('The access token is unknown, expired or revoked.');
    }
    return {
      username: credential.username,
      scope: credential.scope,
      tokenId: credential.token_id,
      expiresAt: credential.expires_at,
      recordUse: () => this.recordUse(credential),
    };
  }

  /** Writes last_used_at when none is noted or the noted one is over a minute old; else nothing. */
  private async recordUse(credential: Credential): Promise<void> {
    const now = this.now();
    const minuteAgo = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
    if (credential.last_used_at !== null && credential.last_used_at >= minuteAgo) return;
    await this.credentials.markUsed(credential.token_hash, now.toISOString(), minuteAgo);
  }

  /** Ends the presented token's credential (a session or a personal token); an unknown one is already gone. */
  async revoke(token: string): Promise<void> {
    const credential = await this.credentials.get(hashToken(token));
    if (credential) await this.credentials.delete([credential]);
  }

  /** Local runtime only: register the user if new and issue a token, with no identity provider. */
  async devLogin(username: string): Promise<IssuedToken> {
    const user = await this.users.createIfAbsent({
      username,
      name: username,
      email: null,
      avatar_url: null,
      created_at: this.now().toISOString(),
    });
    return this.issue(user, 'dev login');
  }
}

function oldestFirst(a: Credential, b: Credential): number {
  return a.created_at.localeCompare(b.created_at) || a.token_id.localeCompare(b.token_id);
}
