import { beforeEach, describe, expect, it } from 'vitest';
import { AlreadyExists, InvalidRequest, Unauthorized, Unavailable } from '../../../shared/errors.ts';
import { GitHubLogin, LOGIN_STATE_SECONDS, hashState, type Callback } from '../../../shared/users/login.ts';
import { Sessions } from '../../../shared/users/sessions.ts';
import { aGitHubIdentity, aUser } from '../../support/builders.ts';
import {
  FakeIdentityProvider,
  InMemoryLoginStates,
  InMemorySessionStore,
  InMemoryUsers,
} from '../support/memory-users.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
let now: Date;
let github: FakeIdentityProvider;
let states: InMemoryLoginStates;
let users: InMemoryUsers;
let sessionStore: InMemorySessionStore;
let sessions: Sessions;
let login: GitHubLogin;

beforeEach(() => {
  now = new Date('2026-11-23T18:00:00.000Z');
  github = new FakeIdentityProvider();
  states = new InMemoryLoginStates();
  users = new InMemoryUsers();
  sessionStore = new InMemorySessionStore();
  sessions = new Sessions(sessionStore, users, { lifetimeDays: 30, maxSessionsPerUser: 20 }, () => now);
  login = new GitHubLogin(github, states, users, sessions, () => now);
});

const later = (ms: number) => (now = new Date(now.getTime() + ms));

/** A login started in a browser: the state from the authorize URL, and the same state in the cookie. */
async function aStartedLogin(): Promise<{ state: string }> {
  const started = await login.start();
  return { state: new URL(started.authorizationUrl).searchParams.get('state')! };
}

/** GitHub's redirect back from a browser whose cookie holds the state. */
async function callback(overrides: Partial<Callback> & { state: string }) {
  return login.complete({ cookieState: overrides.state, ...overrides });
}

describe('starting a login', () => {
  it('given a request, when a login starts, then the state is fresh, 256 bits, in the URL, and remembered only as a hash', async () => {
    const first = await login.start();
    const second = await login.start();

    expect(first.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.state).not.toBe(second.state);
    expect(new URL(first.authorizationUrl).searchParams.get('state')).toBe(first.state);
    expect([...states.expiries.keys()]).toEqual([hashState(first.state), hashState(second.state)]);
    expect([...states.expiries.keys()].join()).not.toContain(first.state);
  });

  it('given a login, then its state lives 10 minutes, and the cookie is Secure because the callback is https', async () => {
    const started = await login.start();

    expect(started.maxAgeSeconds).toBe(600);
    expect(states.expiries.get(hashState(started.state))).toBe('2026-11-23T18:10:00.000Z');
    expect(started.secure).toBe(true);
  });

  it('given a callback on plain http (local), then the cookie is not Secure', async () => {
    login = new GitHubLogin(
      new FakeIdentityProvider('http://localhost:3000/login/authorized'),
      states,
      users,
      sessions,
    );

    expect((await login.start()).secure).toBe(false);
  });
});

describe('the state checks: all 400, GitHub never called, nobody registered', () => {
  it('given no state cookie, when the callback comes, then 400', async () => {
    const { state } = await aStartedLogin();
    const code = github.authorizes(aGitHubIdentity());

    const failure = login.complete({ state, cookieState: undefined, code });

    await expect(failure).rejects.toBeInstanceOf(InvalidRequest);
    expect(github.exchanged).toEqual([]);
    expect(users.profiles.size).toBe(0);
  });

  it('given a cookie with another state (forged, or another login), when the callback comes, then 400', async () => {
    const { state } = await aStartedLogin();
    const other = await aStartedLogin();
    const code = github.authorizes(aGitHubIdentity());

    await expect(login.complete({ state, cookieState: other.state, code })).rejects.toBeInstanceOf(
      InvalidRequest,
    );
    expect(github.exchanged).toEqual([]);
    expect(users.profiles.size).toBe(0);
  });

  it('given a state this server never issued, even with a matching cookie, when the callback comes, then 400', async () => {
    const code = github.authorizes(aGitHubIdentity());

    await expect(callback({ state: 'made-up-by-an-attacker', code })).rejects.toBeInstanceOf(InvalidRequest);
    expect(github.exchanged).toEqual([]);
  });

  it('given a completed login, when its callback is replayed, then 400 and no second session', async () => {
    const { state } = await aStartedLogin();
    await callback({ state, code: github.authorizes(aGitHubIdentity()) });

    const replay = callback({ state, code: github.authorizes(aGitHubIdentity()) });

    await expect(replay).rejects.toBeInstanceOf(InvalidRequest);
    expect(sessionStore.byHash.size).toBe(1);
  });

  it('given a login started more than 10 minutes ago, when its callback comes, then 400', async () => {
    const { state } = await aStartedLogin();
    later(LOGIN_STATE_SECONDS * 1000 + 1);

    await expect(callback({ state, code: github.authorizes(aGitHubIdentity()) })).rejects.toBeInstanceOf(
      InvalidRequest,
    );
  });

  it('given a failed state check, then the error names the state field', async () => {
    const failure = await login
      .complete({ state: 'x', cookieState: undefined, code: 'c' })
      .catch((error: unknown) => error);

    expect((failure as InvalidRequest).details).toHaveProperty('state');
  });
});

describe("GitHub's answers", () => {
  it('given the person declined on GitHub (error=access_denied), when the callback comes, then 401 and the state is used up', async () => {
    const { state } = await aStartedLogin();

    await expect(callback({ state, error: 'access_denied' })).rejects.toBeInstanceOf(Unauthorized);

    expect(states.expiries.size).toBe(0);
    expect(github.exchanged).toEqual([]);
  });

  it('given a bad code (the provider says Unauthorized), then 401 and nobody is registered', async () => {
    const { state } = await aStartedLogin();
    const code = github.authorizes(new Unauthorized('bad_verification_code'));

    await expect(callback({ state, code })).rejects.toBeInstanceOf(Unauthorized);
    expect(users.profiles.size).toBe(0);
  });

  it('given GitHub down (the provider says Unavailable), then 503', async () => {
    const { state } = await aStartedLogin();
    const code = github.authorizes(new Unavailable('GitHub is down'));

    await expect(callback({ state, code })).rejects.toBeInstanceOf(Unavailable);
  });

  it('given an account with no verified primary email, then 401 and nobody is registered', async () => {
    const { state } = await aStartedLogin();
    const code = github.authorizes(aGitHubIdentity({ email: null }));

    await expect(callback({ state, code })).rejects.toBeInstanceOf(Unauthorized);
    expect(users.profiles.size).toBe(0);
  });

  it('given a callback with neither code nor error, then 400 naming the code', async () => {
    const { state } = await aStartedLogin();

    const failure = await callback({ state }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(InvalidRequest);
    expect((failure as InvalidRequest).details).toEqual({ code: 'required' });
  });
});

describe('registration and later logins', () => {
  it("given a first login, then the user is registered under the lower-cased GitHub login, with GitHub's id, and a token is issued", async () => {
    const { state } = await aStartedLogin();
    const identity = aGitHubIdentity({ id: 42, login: 'OctoCat', name: 'The Octocat' });

    const issued = await callback({ state, code: github.authorizes(identity) });

    expect(issued.user).toEqual({
      username: 'octocat',
      name: 'The Octocat',
      email: identity.email,
      avatar_url: identity.avatarUrl,
      created_at: now.toISOString(),
    });
    expect(users.identities.get(42)).toBe('octocat');
    expect((await sessions.authenticate(issued.accessToken)).username).toBe('octocat');
  });

  it('given a GitHub account without a display name, then the name is the login', async () => {
    const { state } = await aStartedLogin();

    const issued = await callback({ state, code: github.authorizes(aGitHubIdentity({ name: null })) });

    expect(issued.user.name).toBe('Octocat');
  });

  it('given a registered user, when she logs in again, then it is the same user (same created_at) with a new token, and both tokens work', async () => {
    const identity = aGitHubIdentity({ id: 7 });
    const first = await callback({ ...(await aStartedLogin()), code: github.authorizes(identity) });
    later(DAY_MS);

    const second = await callback({ ...(await aStartedLogin()), code: github.authorizes(identity) });

    expect(second.user).toEqual(first.user);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect((await sessions.authenticate(first.accessToken)).username).toBe('octocat');
    expect((await sessions.authenticate(second.accessToken)).username).toBe('octocat');
    expect(users.profiles.size).toBe(1);
  });

  it('given a registered user who renamed her GitHub account, when she logs in, then she stays the same user and her profile follows GitHub', async () => {
    await callback({ ...(await aStartedLogin()), code: github.authorizes(aGitHubIdentity({ id: 7 })) });
    const renamed = aGitHubIdentity({
      id: 7,
      login: 'Octo-Renamed',
      name: 'New Name',
      email: 'new@github.example',
    });

    const issued = await callback({ ...(await aStartedLogin()), code: github.authorizes(renamed) });

    expect(issued.user).toMatchObject({ username: 'octocat', name: 'New Name', email: 'new@github.example' });
    expect(users.profiles.has('octo-renamed')).toBe(false);
    expect(users.profiles.get('octocat')?.githubLogin).toBe('Octo-Renamed');
  });

  it('given a username that belongs to another GitHub account, when a new account with that login logs in, then 409 and nothing changes', async () => {
    await callback({ ...(await aStartedLogin()), code: github.authorizes(aGitHubIdentity({ id: 7 })) });
    const before = users.profiles.get('octocat');

    const newcomer = callback({
      ...(await aStartedLogin()),
      code: github.authorizes(aGitHubIdentity({ id: 8, login: 'octocat', name: 'Someone Else' })),
    });

    await expect(newcomer).rejects.toBeInstanceOf(AlreadyExists);
    expect(users.profiles.get('octocat')).toEqual(before);
    expect(users.identities.has(8)).toBe(false);
  });

  it('given a profile that POST /dev/login made locally, when GitHub login of that name comes, then it claims it (created_at kept)', async () => {
    await users.createIfAbsent(
      aUser({ username: 'octocat', name: 'octocat', created_at: '2026-01-01T00:00:00.000Z' }),
    );

    const issued = await callback({ ...(await aStartedLogin()), code: github.authorizes(aGitHubIdentity()) });

    expect(issued.user).toMatchObject({
      username: 'octocat',
      name: 'The Octocat',
      created_at: '2026-01-01T00:00:00.000Z',
    });
  });

  it('given two first logins of one account racing, when the other registers first, then this one finds it and logs in as that user', async () => {
    const identity = aGitHubIdentity({ id: 9 });
    users.beforeRegister = () => {
      users.beforeRegister = undefined;
      void users.register(aUser({ username: 'octocat', created_at: '2026-11-23T17:59:59.000Z' }), identity);
    };

    const issued = await callback({ ...(await aStartedLogin()), code: github.authorizes(identity) });

    expect(issued.user).toMatchObject({ username: 'octocat', created_at: '2026-11-23T17:59:59.000Z' });
  });

  it('given a GitHub login that is not a valid username, then 401', async () => {
    const code = github.authorizes(aGitHubIdentity({ login: '-weird-' }));

    await expect(callback({ ...(await aStartedLogin()), code })).rejects.toBeInstanceOf(Unauthorized);
  });
});

describe('the token after login', () => {
  it('given a token from a login, when it is revoked (logout), then it is 401 at once', async () => {
    const issued = await callback({ ...(await aStartedLogin()), code: github.authorizes(aGitHubIdentity()) });

    await sessions.revoke(issued.accessToken);

    await expect(sessions.authenticate(issued.accessToken)).rejects.toBeInstanceOf(Unauthorized);
  });

  it('given a token from a login, when 30 days pass, then it is 401, and a millisecond before it still works', async () => {
    const issued = await callback({ ...(await aStartedLogin()), code: github.authorizes(aGitHubIdentity()) });
    expect(issued.expiresAt).toBe(new Date(now.getTime() + 30 * DAY_MS).toISOString());

    later(30 * DAY_MS - 1);
    expect((await sessions.authenticate(issued.accessToken)).username).toBe('octocat');
    later(1);

    await expect(sessions.authenticate(issued.accessToken)).rejects.toBeInstanceOf(Unauthorized);
  });

  it('given a login, then the session store holds only a hash of the token', async () => {
    const issued = await callback({ ...(await aStartedLogin()), code: github.authorizes(aGitHubIdentity()) });

    expect(JSON.stringify([...sessionStore.byHash])).not.toContain(issued.accessToken);
  });
});
