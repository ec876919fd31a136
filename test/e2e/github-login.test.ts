import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { RETURN_COOKIE, STATE_COOKIE } from '../../shared/users/http.ts';
import { contractFetch } from '../support/openapi-contract.ts';
import { FakeGitHub, aGitHubAccount, type GitHubAccount } from '../support/github.ts';
import { ApiClient, startTestRuntime, TEST_GITHUB_APP, type ApiResponse } from '../support/runtime.ts';
import { clientsFor } from '../support/tables.ts';
import { expectError, expectJson, TIMESTAMP } from './helpers.ts';

/**
 * GitHub social login end to end: the browser's requests over HTTP to the local runtime, GitHub answered by a
 * fake (msw, in this process, where the runtime's handlers run too).
 */

const github = new FakeGitHub();
let runtime: Runtime;

beforeAll(async () => {
  github.listen();
  runtime = await startTestRuntime();
});
afterEach(() => github.reset());
afterAll(async () => {
  await runtime?.stop();
  github.close();
});

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_at: string;
  user: { username: string; name: string; avatar_url: string | null; created_at: string };
}

interface StartedLogin {
  state: string;
  location: URL;
  setCookie: string;
  /** What the browser sends back: `delinkcious_oauth_state=<state>`. */
  cookie: string;
}

/** The browser opens /login (`?next=` when given): a redirect to GitHub, and the state cookie. */
async function startLogin(next?: string): Promise<StartedLogin> {
  const query = next === undefined ? '' : `?${new URLSearchParams({ next })}`;
  const response = await contractFetch(`${runtime.url}/login${query}`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location')!);
  const cookies = response.headers.getSetCookie();
  const state = location.searchParams.get('state')!;
  return {
    state,
    location,
    setCookie: cookies[0]!,
    cookie: cookies.map((cookie) => cookie.split(';')[0]!).join('; '),
  };
}

/** GitHub sends the browser back to the callback with these query fields and (unless left out) the cookie. */
async function callback(
  query: Record<string, string>,
  options: { cookie?: string | undefined; accept?: string } = {},
): Promise<ApiResponse<unknown>> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers['cookie'] = options.cookie;
  if (options.accept) headers['accept'] = options.accept;
  const response = await contractFetch(`${runtime.url}/login/authorized?${new URLSearchParams(query)}`, {
    headers,
    redirect: 'manual',
  });
  const text = await response.text();
  const body = response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text;
  return { status: response.status, headers: response.headers, body };
}

/** A whole login: /login, authorizing on GitHub as `account`, and the callback. */
async function logInAs(account: GitHubAccount, accept?: string): Promise<ApiResponse<unknown>> {
  const login = await startLogin();
  const code = github.authorizes(account);
  return callback({ code, state: login.state }, { cookie: login.cookie, ...(accept ? { accept } : {}) });
}

const someone = () => ApiClient.loggedIn(runtime.url, 'observer');

describe('GET /login', () => {
  it("given a browser, then 302 to GitHub's authorize page with the app's client id, the local callback, the scopes and a fresh state", async () => {
    const first = await startLogin();
    const second = await startLogin();

    expect(first.location.origin + first.location.pathname).toBe('https://github.com/login/oauth/authorize');
    expect(first.location.searchParams.get('client_id')).toBe(TEST_GITHUB_APP.GITHUB_CLIENT_ID);
    expect(first.location.searchParams.get('redirect_uri')).toBe(`${runtime.url}/login/authorized`);
    expect(first.location.searchParams.get('scope')).toBe('read:user user:email');
    expect(first.state).not.toBe(second.state);
  });

  it('given a browser, then the state is also in an HttpOnly, SameSite=Lax cookie for 10 minutes (not Secure on plain http)', async () => {
    const { state, setCookie } = await startLogin();

    expect(setCookie).toBe(`${STATE_COOKIE}=${state}; Max-Age=600; Path=/login; HttpOnly; SameSite=Lax`);
  });
});

describe('GET /login?next=: back where the browser was headed', () => {
  const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  it("given a browser sent to sign in from the bookmarklet's add form, when GitHub brings it back, then it lands on that form, signed in", async () => {
    const next = '/add?url=https%3A%2F%2Fexample.com%2Fread&title=Read';
    const login = await startLogin(next);
    const code = github.authorizes(aGitHubAccount({ login: 'bookmarklet-user' }));

    const answer = await callback({ code, state: login.state }, { cookie: login.cookie, accept: browser });

    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe(next);
    expect(answer.headers.getSetCookie().slice(0, 2)).toEqual([
      `${STATE_COOKIE}=; Max-Age=0; Path=/login; HttpOnly; SameSite=Lax`,
      `${RETURN_COOKIE}=; Max-Age=0; Path=/login; HttpOnly; SameSite=Lax`,
    ]);
  });

  it.each(['//evil.example/', '/\\evil.example/', 'https://evil.example/', 'add'])(
    'given next=%s, which is not a path on this site, then 400 naming next, and no state is issued',
    async (next) => {
      const response = await contractFetch(`${runtime.url}/login?${new URLSearchParams({ next })}`, {
        redirect: 'manual',
      });

      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { details: object } }).error.details).toHaveProperty(
        'next',
      );
      expect(response.headers.getSetCookie()).toEqual([]);
    },
  );

  it('given a return cookie set by someone else to another origin, when GitHub brings the browser back, then it lands on / instead', async () => {
    const login = await startLogin();
    const code = github.authorizes(aGitHubAccount({ login: 'tampered' }));

    const answer = await callback(
      { code, state: login.state },
      { cookie: `${login.cookie}; ${RETURN_COOKIE}=%2F%2Fevil.example%2F`, accept: browser },
    );

    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe('/');
  });
});

describe('GET /login/authorized: success', () => {
  it('given a first login, then 200 with a Delinkcious bearer token and the new user, and the token works', async () => {
    const account = aGitHubAccount({ login: 'Mona-Lisa', name: 'Mona Lisa Octocat' });

    const answer = await logInAs(account);

    const body = expectJson<TokenBody>(answer, 200);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^dlk_[A-Za-z0-9_-]{43}$/),
      token_type: 'bearer',
      expires_at: expect.stringMatching(TIMESTAMP),
      user: {
        username: 'mona-lisa',
        name: 'Mona Lisa Octocat',
        avatar_url: account.avatar_url,
        created_at: expect.stringMatching(TIMESTAMP),
      },
    });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const me = await new ApiClient(runtime.url, body.access_token).get('/v1/me');
    expect(expectJson(me, 200)).toMatchObject({ username: 'mona-lisa', email: account.email });
  });

  it("given a login, then the code was exchanged with the app's credentials and the callback URL, and the state cookie is cleared", async () => {
    const account = aGitHubAccount();
    const login = await startLogin();
    const code = github.authorizes(account);

    const answer = await callback({ code, state: login.state }, { cookie: login.cookie });

    expect(answer.status).toBe(200);
    expect(github.tokenRequests).toEqual([
      {
        code,
        redirectUri: `${runtime.url}/login/authorized`,
        credentials: `${TEST_GITHUB_APP.GITHUB_CLIENT_ID}:${TEST_GITHUB_APP.GITHUB_CLIENT_SECRET}`,
      },
    ]);
    expect(answer.headers.getSetCookie()).toEqual([
      `${STATE_COOKIE}=; Max-Age=0; Path=/login; HttpOnly; SameSite=Lax`,
    ]);
  });

  it('given a browser that asks for HTML, then a 302 into the web client with the HttpOnly session cookie, which signs it in', async () => {
    const answer = await logInAs(
      aGitHubAccount({ login: 'html-viewer' }),
      'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    );

    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe('/');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const [clearedState, session] = answer.headers.getSetCookie();
    expect(clearedState).toBe(`${STATE_COOKIE}=; Max-Age=0; Path=/login; HttpOnly; SameSite=Lax`);
    expect(session).toMatch(
      /^delinkcious_session=dlk_[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const me = await new ApiClient(runtime.url).get('/v1/me', { cookie: session!.split(';')[0]! });
    expect(expectJson(me, 200)).toMatchObject({ username: 'html-viewer' });
  });

  it("given a profile that hides its email, then the primary verified email from /user/emails is the user's", async () => {
    const account = aGitHubAccount({
      login: 'hidden-email',
      email: null,
      emails: [
        { email: 'secondary@example.com', primary: false, verified: true },
        { email: 'primary@example.com', primary: true, verified: true },
      ],
    });

    const body = expectJson<TokenBody>(await logInAs(account), 200);

    const me = await new ApiClient(runtime.url, body.access_token).get('/v1/me');
    expect(expectJson(me, 200)).toMatchObject({ email: 'primary@example.com' });
  });

  it('given a user who logs in a second time, then it is the same user (same created_at), a new token, and both tokens work', async () => {
    const account = aGitHubAccount({ login: 'twice' });
    const first = expectJson<TokenBody>(await logInAs(account), 200);

    const second = expectJson<TokenBody>(await logInAs(account), 200);

    expect(second.user).toEqual(first.user);
    expect(second.access_token).not.toBe(first.access_token);
    expect((await new ApiClient(runtime.url, first.access_token).get('/v1/me')).status).toBe(200);
    expect((await new ApiClient(runtime.url, second.access_token).get('/v1/me')).status).toBe(200);
  });

  it('given a user who renamed her GitHub account, when she logs in, then she is the same user with her links, and the new login is nobody', async () => {
    const before = aGitHubAccount({ login: 'old-name', name: 'Before' });
    const first = expectJson<TokenBody>(await logInAs(before), 200);
    const added = await new ApiClient(runtime.url, first.access_token).post('/v1/links', {
      url: 'https://example.com/kept',
    });
    expect(added.status).toBe(201);

    const renamed = { ...before, login: 'new-name', name: 'After' };
    const second = expectJson<TokenBody>(await logInAs(renamed), 200);

    expect(second.user).toMatchObject({
      username: 'old-name',
      name: 'After',
      created_at: first.user.created_at,
    });
    const links = await new ApiClient(runtime.url, second.access_token).get<{ links: { url: string }[] }>(
      '/v1/links',
    );
    expect(links.body.links.map((link) => link.url)).toEqual(['https://example.com/kept']);
    expectError(await (await someone()).get('/v1/users/new-name'), 404, 'not_found');
  });

  it('given a login, then the users table holds no access token, GitHub token, client secret or raw state', async () => {
    const login = await startLogin();
    const answer = await callback(
      { code: github.authorizes(aGitHubAccount({ login: 'secret-keeper' })), state: login.state },
      { cookie: login.cookie },
    );
    const token = expectJson<TokenBody>(answer, 200).access_token;

    const { db, destroy } = clientsFor(runtime.dynamoDbEndpoint);
    try {
      const { Items = [] } = await db.send(new ScanCommand({ TableName: runtime.tableNames.users }));
      const stored = JSON.stringify(Items);
      expect(stored).not.toContain(token);
      expect(stored).not.toContain(login.state);
      expect(stored).not.toContain(TEST_GITHUB_APP.GITHUB_CLIENT_SECRET);
      for (const gitHubToken of github.issuedTokens()) expect(stored).not.toContain(gitHubToken);
      expect(stored).toContain('GITHUB#');
    } finally {
      destroy();
    }
  });
});

describe('GET /login/authorized: the state', () => {
  it('given no state cookie, then 400, GitHub is never called, and no user is created', async () => {
    const login = await startLogin();
    const code = github.authorizes(aGitHubAccount({ login: 'no-cookie' }));

    const answer = await callback({ code, state: login.state });

    expect(expectError(answer, 400, 'invalid_request').error.details).toHaveProperty('state');
    expect(github.tokenRequests).toEqual([]);
    expectError(await (await someone()).get('/v1/users/no-cookie'), 404, 'not_found');
  });

  it('given a forged cookie, then 400 and no user is created', async () => {
    const login = await startLogin();
    const code = github.authorizes(aGitHubAccount({ login: 'forged' }));

    const answer = await callback({ code, state: login.state }, { cookie: `${STATE_COOKIE}=forged-value` });

    expectError(answer, 400, 'invalid_request');
    expect(github.tokenRequests).toEqual([]);
    expectError(await (await someone()).get('/v1/users/forged'), 404, 'not_found');
  });

  it('given an attacker who sets cookie and state to a value of their own, then 400: the server never issued it', async () => {
    const code = github.authorizes(aGitHubAccount({ login: 'self-made' }));

    const answer = await callback(
      { code, state: 'attacker-state' },
      { cookie: `${STATE_COOKIE}=attacker-state` },
    );

    expectError(answer, 400, 'invalid_request');
    expect(github.tokenRequests).toEqual([]);
  });

  it("given another browser's login (its state, this browser's cookie), then 400", async () => {
    const mine = await startLogin();
    const theirs = await startLogin();

    const answer = await callback(
      { code: github.authorizes(aGitHubAccount()), state: theirs.state },
      { cookie: mine.cookie },
    );

    expectError(answer, 400, 'invalid_request');
  });

  it('given a completed login, when its callback is replayed with the same cookie, then 400', async () => {
    const login = await startLogin();
    const account = aGitHubAccount({ login: 'replayed' });
    expect(
      (await callback({ code: github.authorizes(account), state: login.state }, { cookie: login.cookie }))
        .status,
    ).toBe(200);

    const replay = await callback(
      { code: github.authorizes(account), state: login.state },
      { cookie: login.cookie },
    );

    expectError(replay, 400, 'invalid_request');
    expect(github.tokenRequests).toHaveLength(1);
  });
});

describe("GET /login/authorized: GitHub's refusals and outages", () => {
  it("given the person declined on GitHub (error=access_denied), then 401 with the contract's error body, and no user", async () => {
    const login = await startLogin();

    const answer = await callback(
      {
        error: 'access_denied',
        error_description: 'The user has denied your application access.',
        state: login.state,
      },
      { cookie: login.cookie },
    );

    expectError(answer, 401, 'unauthorized');
    expect(github.tokenRequests).toEqual([]);
  });

  it('given a bad or expired code, then 401', async () => {
    const login = await startLogin();

    const answer = await callback({ code: 'expired-code', state: login.state }, { cookie: login.cookie });

    expectError(answer, 401, 'unauthorized');
  });

  it('given an account with no verified primary email, then 401 and no user is created', async () => {
    const account = aGitHubAccount({
      login: 'unverified',
      email: null,
      emails: [{ email: 'unverified@example.com', primary: true, verified: false }],
    });

    expectError(await logInAs(account), 401, 'unauthorized');
    expectError(await (await someone()).get('/v1/users/unverified'), 404, 'not_found');
  });

  it.each([500, 502, 503])(
    "given GitHub's token endpoint answering %i, then 503 unavailable",
    async (status) => {
      github.tokenEndpointOutage = { status };

      expectError(await logInAs(aGitHubAccount()), 503, 'unavailable');
    },
  );

  it("given GitHub's API answering 500, then 503 unavailable and no user is created", async () => {
    github.apiOutage = { status: 500 };

    expectError(await logInAs(aGitHubAccount({ login: 'api-down' })), 503, 'unavailable');
    expectError(await (await someone()).get('/v1/users/api-down'), 404, 'not_found');
  });

  it('given GitHub unreachable (a network error), then 503 unavailable', async () => {
    github.tokenEndpointOutage = 'network';

    expectError(await logInAs(aGitHubAccount()), 503, 'unavailable');
  });

  it('given a GitHub account whose login another account held before, then 409 and the existing user is untouched', async () => {
    const original = expectJson<TokenBody>(
      await logInAs(aGitHubAccount({ login: 'taken-name', name: 'Original' })),
      200,
    );

    const newcomer = await logInAs(aGitHubAccount({ login: 'taken-name', name: 'Newcomer' }));

    expectError(newcomer, 409, 'already_exists');
    const profile = await (await someone()).get('/v1/users/taken-name');
    expect(expectJson(profile, 200)).toMatchObject({
      name: 'Original',
      created_at: original.user.created_at,
    });
  });
});

describe('after login', () => {
  it('given a token from GitHub login, when the user logs out, then the token is 401 at once', async () => {
    const body = expectJson<TokenBody>(await logInAs(aGitHubAccount()), 200);
    const client = new ApiClient(runtime.url, body.access_token);

    expect((await client.post('/logout')).status).toBe(204);

    const after = await client.get('/v1/me');
    expectError(after, 401, 'unauthorized');
    expect(after.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('given a logged-in user, then no request of hers reaches GitHub', async () => {
    const body = expectJson<TokenBody>(await logInAs(aGitHubAccount()), 200);
    const calls = github.tokenRequests.length + github.apiTokens.length;

    const client = new ApiClient(runtime.url, body.access_token);
    await client.get('/v1/me');
    await client.get('/v1/links');

    expect(github.tokenRequests.length + github.apiTokens.length).toBe(calls);
  });
});

describe('without a GitHub app', () => {
  it('given no GITHUB_CLIENT_ID, when /login is opened, then 503 that points to POST /dev/login', async () => {
    const saved = process.env.GITHUB_CLIENT_ID;
    delete process.env.GITHUB_CLIENT_ID;
    try {
      const answer = await contractFetch(`${runtime.url}/login`, { redirect: 'manual' });
      const body = (await answer.json()) as { error: { code: string; message: string } };

      expect(answer.status).toBe(503);
      expect(body.error.code).toBe('unavailable');
      expect(body.error.message).toContain('GITHUB_CLIENT_ID');
      expect(body.error.message).toContain('POST /dev/login');
    } finally {
      process.env.GITHUB_CLIENT_ID = saved;
    }
  });
});
