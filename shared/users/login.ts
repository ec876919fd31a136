import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AlreadyExists, InvalidRequest, Unauthorized, Unavailable } from '../errors.ts';
import { retry, TRY_AGAIN, type RetryPolicy } from '../retry.ts';
import { usernameSchema, type GitHubIdentity, type User } from './model.ts';
import type { IdentityProvider, IdentityStore, LoginStateStore, ProfileFields } from './ports.ts';
import type { IssuedToken, Sessions } from './sessions.ts';

/** How long a login may take between /login and its callback: the state's lifetime, server-side and in the cookie. */
export const LOGIN_STATE_SECONDS = 10 * 60;
/**
 * First logins of one account racing each other: the losers read what the winner registered. No wait is needed
 * (the winner's mapping is already there to read), so the backoff is zero; the shared policy counts the attempts.
 */
const REGISTRATION_RETRY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 0,
  maxDelayMs: 0,
  giveUp: () => new Unavailable('Too many logins of this account at once; try again.'),
};

interface StartedLogin {
  /** GitHub's authorize page, with the state and the scopes. */
  authorizationUrl: string;
  /** Also goes into the state cookie. */
  state: string;
  maxAgeSeconds: number;
  /** The callback is served over HTTPS: the cookie must be `Secure`. */
  secure: boolean;
}

export interface Callback {
  /** The state GitHub sends back, from the query string. */
  state: string;
  /** The state from the cookie that /login set in this browser. */
  cookieState: string | undefined;
  code?: string | undefined;
  /** GitHub's own refusal (`access_denied` when the person declined). */
  error?: string | undefined;
}

/** States are stored and looked up only by this hash. */
export function hashState(state: string): string {
  return createHash('sha256').update(`oauth-state:${state}`).digest('base64url');
}

/**
 * GitHub social login: start (a fresh state, remembered server-side and in a cookie) and complete (the state
 * checked and used up, the code exchanged, the user registered or refreshed, a Delinkcious token issued).
 */
export class GitHubLogin {
  constructor(
    private readonly provider: IdentityProvider,
    private readonly states: LoginStateStore,
    private readonly identities: IdentityStore,
    private readonly sessions: Sessions,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(): Promise<StartedLogin> {
    const state = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + LOGIN_STATE_SECONDS * 1000).toISOString();
    await this.states.save(hashState(state), expiresAt);
    return {
      authorizationUrl: this.provider.authorizationUrl(state),
      state,
      maxAgeSeconds: LOGIN_STATE_SECONDS,
      secure: this.secureCookies,
    };
  }

  /** The callback is served over HTTPS, so cookies must be `Secure`. */
  get secureCookies(): boolean {
    return new URL(this.provider.callbackUrl).protocol === 'https:';
  }

  /**
   * The state is checked before anything else happens: a callback without the cookie, with a state that differs
   * from it, or with a state that is unknown, expired or already used is a 400, and GitHub is never called.
   */
  async complete(callback: Callback): Promise<IssuedToken> {
    if (!callback.cookieState) {
      throw new InvalidRequest(
        'This login was not started in this browser (no state cookie); start again at /login.',
        { state: 'no state cookie' },
      );
    }
    if (!sameSecret(callback.state, callback.cookieState)) {
      throw new InvalidRequest('The login state does not match this browser; start again at /login.', {
        state: 'does not match the state cookie',
      });
    }
    if (!(await this.states.consume(hashState(callback.state), this.now()))) {
      throw new InvalidRequest('This login expired or was already used; start again at /login.', {
        state: 'unknown, expired or already used',
      });
    }
    if (callback.error) {
      throw new Unauthorized(
        callback.error === 'access_denied'
          ? 'The login was declined on GitHub.'
          : `GitHub refused the login (${callback.error.slice(0, 64)}).`,
      );
    }
    if (!callback.code) {
      throw new InvalidRequest('The callback carries no code.', { code: 'required' });
    }
    const identity = await this.provider.identify(callback.code);
    const user = await this.signIn(identity);
    return this.sessions.issue(user, 'GitHub login');
  }

  /** The user of this GitHub account: found by GitHub's id (so renames keep the user), else registered. */
  private async signIn(identity: GitHubIdentity): Promise<User> {
    if (!identity.email) {
      throw new Unauthorized(
        'Your GitHub account shows no verified primary email; verify one on GitHub and log in again.',
      );
    }
    const username = usernameSchema.safeParse(identity.login);
    if (!username.success) {
      throw new Unauthorized('This GitHub login cannot be a Delinkcious username.');
    }
    const fields: ProfileFields = {
      name: identity.name ?? identity.login,
      email: identity.email,
      avatar_url: identity.avatarUrl,
    };
    return retry(REGISTRATION_RETRY, async () => {
      const known = await this.identities.usernameFor(identity.id);
      if (known) {
        const user = await this.identities.refresh(known, identity, fields);
        if (!user)
          throw new Error(`GitHub account ${identity.id} maps to ${known}, whose profile is not its.`);
        return user;
      }
      const registration = await this.identities.register(
        { username: username.data, ...fields, created_at: this.now().toISOString() },
        identity,
      );
      if (registration.outcome === 'registered') return registration.user;
      if (registration.outcome === 'username_taken') {
        throw new AlreadyExists(
          `The username ${username.data} belongs to another GitHub account (one that had this login before).`,
        );
      }
      // identity_taken: a concurrent first login of this account registered it; read the mapping again.
      return TRY_AGAIN;
    });
  }
}

/** Compares two secrets in time independent of where they differ. */
function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
