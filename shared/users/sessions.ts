import { createHash, randomBytes } from 'node:crypto';
import { Unauthorized } from '../errors.ts';
import type { User } from './model.ts';
import type { SessionStore, UserStore } from './ports.ts';

const TOKEN_PREFIX = 'dlk_';
const DAY_MS = 24 * 60 * 60 * 1000;

/** 256 random bits; the prefix lets secret scanners recognise a leaked token. */
export function newAccessToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Tokens are stored and looked up only by this hash; the token itself is never kept. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export interface IssuedToken {
  accessToken: string;
  expiresAt: string;
  user: User;
}

export class Sessions {
  constructor(
    private readonly sessions: SessionStore,
    private readonly users: UserStore,
    private readonly lifetimeDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async issue(user: User): Promise<IssuedToken> {
    const accessToken = newAccessToken();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.lifetimeDays * DAY_MS).toISOString();
    await this.sessions.put({
      tokenHash: hashToken(accessToken),
      username: user.username,
      createdAt: now.toISOString(),
      expiresAt,
    });
    return { accessToken, expiresAt, user };
  }

  /** The username behind a presented token; Unauthorized for a missing, unknown, expired or revoked one. */
  async authenticate(token: string | undefined): Promise<string> {
    if (!token) throw new Unauthorized('An access token is required: send Authorization: Bearer <token>.');
    const session = await this.sessions.get(hashToken(token));
    if (!session || Date.parse(session.expiresAt) <= this.now().getTime()) {
      throw new Unauthorized('The access token is unknown, expired or revoked.');
    }
    return session.username;
  }

  async revoke(token: string): Promise<void> {
    await this.sessions.delete(hashToken(token));
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
    return this.issue(user);
  }
}
