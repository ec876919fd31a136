import type { MarkCondition, RateLimitStore, RateWrite } from '../../../shared/http/rate-limit.ts';
import type { Credential, GitHubIdentity, User } from '../../../shared/users/model.ts';
import type {
  CredentialStore,
  IdentityProvider,
  IdentityStore,
  LoginStateStore,
  ProfileFields,
  RegistrationResult,
  UserStore,
} from '../../../shared/users/ports.ts';

/**
 * In-memory adapters of the users context for the cores' unit tests, keeping the DynamoDB adapters' semantics:
 * conditional writes, single-use states with an expiry, the GitHub id -> username mapping.
 */

/**
 * Sessions and personal tokens by their hash, with the DynamoDB adapter's condition on creation: the owner's
 * profile exists (in `users`, when given) and is not being deleted (`deleting`).
 */
export class InMemorySessionStore implements CredentialStore {
  readonly byHash = new Map<string, Credential>();
  /** The token hashes looked up, in order. */
  readonly lookups: string[] = [];
  /** The last-use notes written, in order. */
  readonly lastUseWrites: { tokenHash: string; at: string }[] = [];
  /** Usernames whose account deletion has started (the profile's `deleting_since`). */
  readonly deleting = new Set<string>();

  constructor(
    private readonly users?: InMemoryUsers,
    /** Told of every user one of whose credentials ended (the DynamoDB store changes the credentials mark). */
    private readonly onEnded: (username: string) => void = () => {},
  ) {}

  async create(credential: Credential, ended: readonly Credential[]): Promise<boolean> {
    const profileLive = !this.users || this.users.profiles.has(credential.username);
    if (!profileLive || this.deleting.has(credential.username)) return false;
    for (const old of ended) this.byHash.delete(old.token_hash);
    if (ended.length > 0) this.onEnded(credential.username);
    this.byHash.set(credential.token_hash, { ...credential });
    return true;
  }
  async get(tokenHash: string): Promise<Credential | undefined> {
    this.lookups.push(tokenHash);
    const credential = this.byHash.get(tokenHash);
    return credential && { ...credential };
  }
  async find(username: string, tokenId: string): Promise<Credential | undefined> {
    return (await this.list(username)).find((credential) => credential.token_id === tokenId);
  }
  async list(username: string, withLastUse = false): Promise<Credential[]> {
    return [...this.byHash.values()]
      .filter((credential) => credential.username === username)
      .map((credential) => ({ ...credential, last_used_at: withLastUse ? credential.last_used_at : null }));
  }
  async delete(credentials: readonly Credential[]): Promise<void> {
    for (const credential of credentials) this.byHash.delete(credential.token_hash);
    for (const username of new Set(credentials.map((credential) => credential.username))) {
      this.onEnded(username);
    }
  }
  async markUsed(tokenHash: string, at: string, notBefore: string): Promise<void> {
    const credential = this.byHash.get(tokenHash);
    if (!credential) return;
    if (credential.last_used_at !== null && credential.last_used_at >= notBefore) return;
    credential.last_used_at = at;
    this.lastUseWrites.push({ tokenHash, at });
  }
}

/** Profiles and GitHub identities, in one place as in the users table. */
export class InMemoryUsers implements UserStore, IdentityStore {
  readonly profiles = new Map<string, User & { githubId?: number; githubLogin?: string }>();
  readonly identities = new Map<number, string>();
  /** Runs before each registration: a test's stand-in for a concurrent first login. */
  beforeRegister: (() => void) | undefined;

  async createIfAbsent(user: User): Promise<User> {
    const existing = this.profiles.get(user.username);
    if (existing) return strip(existing);
    this.profiles.set(user.username, { ...user });
    return user;
  }

  async get(username: string): Promise<User | undefined> {
    const profile = this.profiles.get(username);
    return profile && strip(profile);
  }

  async usernameFor(githubId: number): Promise<string | undefined> {
    return this.identities.get(githubId);
  }

  async register(user: User, identity: GitHubIdentity): Promise<RegistrationResult> {
    this.beforeRegister?.();
    if (this.identities.has(identity.id)) return { outcome: 'identity_taken' };
    const existing = this.profiles.get(user.username);
    if (existing?.githubId !== undefined) return { outcome: 'username_taken' };
    this.identities.set(identity.id, user.username);
    const stored = {
      ...user,
      created_at: existing?.created_at ?? user.created_at,
      githubId: identity.id,
      githubLogin: identity.login,
    };
    this.profiles.set(user.username, stored);
    return { outcome: 'registered', user: strip(stored) };
  }

  async refresh(
    username: string,
    identity: GitHubIdentity,
    fields: ProfileFields,
  ): Promise<User | undefined> {
    const profile = this.profiles.get(username);
    if (!profile || profile.githubId !== identity.id) return undefined;
    const updated = { ...profile, ...fields, githubLogin: identity.login };
    this.profiles.set(username, updated);
    return strip(updated);
  }
}

function strip(profile: User & { githubId?: number; githubLogin?: string }): User {
  const { githubId: _id, githubLogin: _login, ...user } = profile;
  return user;
}

export class InMemoryLoginStates implements LoginStateStore {
  readonly expiries = new Map<string, string>();
  async save(stateHash: string, expiresAt: string): Promise<void> {
    this.expiries.set(stateHash, expiresAt);
  }
  async consume(stateHash: string, now: Date): Promise<boolean> {
    const expiresAt = this.expiries.get(stateHash);
    if (expiresAt === undefined || Date.parse(expiresAt) <= now.getTime()) return false;
    this.expiries.delete(stateHash);
    return true;
  }
}

/** GitHub as the login core sees it: codes that the test hands out, and what happens on exchange. */
export class FakeIdentityProvider implements IdentityProvider {
  readonly codes = new Map<string, GitHubIdentity | Error>();
  readonly exchanged: string[] = [];

  constructor(readonly callbackUrl = 'https://api.example.com/login/authorized') {}

  authorizationUrl(state: string): string {
    const url = new URL('https://github.com/login/oauth/authorize');
    url.searchParams.set('state', state);
    url.searchParams.set('redirect_uri', this.callbackUrl);
    return url.toString();
  }

  /** The person authorizes on GitHub as `identity` (or GitHub fails with `error` on exchange). */
  authorizes(identity: GitHubIdentity | Error): string {
    const code = `code-${this.codes.size + 1}`;
    this.codes.set(code, identity);
    return code;
  }

  async identify(code: string): Promise<GitHubIdentity> {
    this.exchanged.push(code);
    const outcome = this.codes.get(code);
    if (!outcome) throw new Error(`the test handed out no code ${code}`);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }
}

/**
 * The rate limiter's store with DynamoDB's conditional-update semantics, counting the writes it is sent.
 */
export class InMemoryRateStore implements RateLimitStore {
  readonly tats = new Map<string, number>();
  /** Each key's credentials mark, as the DynamoDB item holds it. */
  readonly marks = new Map<string, string>();
  writes = 0;
  reads = 0;
  /** Runs before each write: a test's stand-in for another instance writing the same item. */
  beforeWrite: ((key: string) => void) | undefined;

  /** What the users store does when one of the user's credentials ends. */
  changeMark(key: string): void {
    this.marks.set(key, `mark-${this.marks.size + 1}-${Math.random()}`);
  }

  async restart(
    key: string,
    now: number,
    interval: number,
    _expires: number,
    mark?: MarkCondition,
  ): Promise<RateWrite> {
    this.writes++;
    this.beforeWrite?.(key);
    const tat = this.tats.get(key);
    if ((tat !== undefined && tat >= now) || !this.markHolds(key, mark)) {
      return { applied: false, tat, ...this.markField(key, mark) };
    }
    this.tats.set(key, now + interval);
    this.issue(key, mark);
    return { applied: true, tat: now + interval, ...this.markField(key, mark) };
  }

  async advance(
    key: string,
    now: number,
    interval: number,
    tolerance: number,
    _expires: number,
    mark?: MarkCondition,
  ): Promise<RateWrite> {
    this.writes++;
    this.beforeWrite?.(key);
    const tat = this.tats.get(key);
    if (tat === undefined || tat < now || tat > now + tolerance || !this.markHolds(key, mark)) {
      return { applied: false, tat, ...this.markField(key, mark) };
    }
    this.tats.set(key, tat + interval);
    this.issue(key, mark);
    return { applied: true, tat: tat + interval, ...this.markField(key, mark) };
  }

  async markOf(key: string): Promise<string | undefined> {
    this.reads++;
    return this.marks.get(key);
  }

  private markHolds(key: string, mark: MarkCondition | undefined): boolean {
    return !mark || !('expect' in mark) || this.marks.get(key) === mark.expect;
  }

  private issue(key: string, mark: MarkCondition | undefined): void {
    if (mark && 'issue' in mark && !this.marks.has(key)) this.marks.set(key, mark.issue);
  }

  private markField(key: string, mark: MarkCondition | undefined) {
    return mark ? { mark: this.marks.get(key) } : {};
  }
}

/**
 * The store's writes, each let through by `through` (a test's scheduler) and then applied at once, as DynamoDB
 * applies one conditional write: for properties over every order in which concurrent writes can land.
 */
export function writesThrough(
  store: InMemoryRateStore,
  through: (label: string, apply: () => Promise<RateWrite>) => Promise<RateWrite>,
): RateLimitStore {
  return {
    restart: (key, ...rest) => through(`restart ${key}`, () => store.restart(key, ...rest)),
    advance: (key, ...rest) => through(`advance ${key}`, () => store.advance(key, ...rest)),
    markOf: (key) => store.markOf(key),
  };
}
