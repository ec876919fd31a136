import { InvalidRequest, NotFound, Unauthorized } from '../errors.ts';
import type { Credential } from './model.ts';
import type { CredentialStore } from './ports.ts';
import { hashToken, isLive, newAccessToken, newTokenId } from './sessions.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Live personal tokens per user at most: a bound on the user's list (and on what logout everywhere deletes).
 * One more is refused with 400 `invalid_request`: the caller deletes one first. The count is read before the
 * write, so concurrent creations may pass it by a few; it bounds, it does not meter.
 */
export const MAX_PERSONAL_TOKENS = 100;

export interface NewToken {
  name: string;
  scope: 'read' | 'write' | 'feed';
  /** None: the token does not expire. */
  expiresInDays?: number | undefined;
}

export interface CreatedToken {
  credential: Credential;
  /** The secret, shown once: only its hash is stored. */
  token: string;
}

/** A credential as its owner sees it in the listing. */
export interface ListedCredential {
  credential: Credential;
  /** The credential that made this request. */
  current: boolean;
}

/** Personal tokens, and every credential of a user as one list: created, listed, ended one by one or all. */
export class Tokens {
  constructor(
    private readonly credentials: CredentialStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A personal token; Unauthorized when the user is gone or being deleted. */
  async create(username: string, request: NewToken): Promise<CreatedToken> {
    const now = this.now();
    const live = (await this.credentials.list(username)).filter(
      (credential) => credential.scope !== 'session' && isLive(credential, now),
    );
    if (live.length >= MAX_PERSONAL_TOKENS) {
      throw new InvalidRequest(
        `At most ${MAX_PERSONAL_TOKENS} personal tokens: delete one before creating another.`,
        { scope: `already ${live.length} live personal tokens` },
      );
    }
    const token = newAccessToken();
    const credential: Credential = {
      token_id: newTokenId(),
      token_hash: hashToken(token),
      username,
      scope: request.scope,
      name: request.name,
      created_at: now.toISOString(),
      expires_at:
        request.expiresInDays === undefined
          ? null
          : new Date(now.getTime() + request.expiresInDays * DAY_MS).toISOString(),
      last_used_at: null,
    };
    if (!(await this.credentials.create(credential, []))) {
      throw new Unauthorized('This account does not exist or is being deleted.');
    }
    return { credential, token };
  }

  /** The user's live sessions and personal tokens, newest first, the caller's own marked `current`. */
  async list(username: string, currentTokenId: string): Promise<ListedCredential[]> {
    const now = this.now();
    return (await this.credentials.list(username, true))
      .filter((credential) => isLive(credential, now))
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.token_id.localeCompare(a.token_id))
      .map((credential) => ({ credential, current: credential.token_id === currentTokenId }));
  }

  /** Ends one of the user's credentials at once; NotFound for an id that is not one of the user's. */
  async delete(username: string, tokenId: string): Promise<void> {
    const credential = await this.credentials.find(username, tokenId);
    if (!credential) throw new NotFound('No such token.');
    await this.credentials.delete([credential]);
  }

  /**
   * Ends every session and personal token of the user at once: afterwards none of them authenticates. Logout
   * everywhere, and the account's deletion (after it has marked the profile, so that no new one can appear).
   */
  async revokeAll(username: string): Promise<void> {
    const all = await this.credentials.list(username);
    if (all.length > 0) await this.credentials.delete(all);
  }
}
