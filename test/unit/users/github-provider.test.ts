import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Unauthorized, Unavailable } from '../../../shared/errors.ts';
import { logger } from '../../../shared/logger.ts';
import { GitHubIdentityProvider, gitHubAppSettings, hasClientSecret } from '../../../shared/users/github.ts';
import { FakeGitHub, aGitHubAccount } from '../../support/github.ts';

const SECRET = 'the-client-secret-that-must-stay-secret';
const SETTINGS = { clientId: 'client-123', callbackUrl: 'https://api.example.com/login/authorized' };
const github = new FakeGitHub();

beforeAll(() => github.listen());
afterEach(() => {
  github.reset();
  vi.restoreAllMocks();
});
afterAll(() => github.close());

const aProvider = ({ secret = SECRET as string | null } = {}) =>
  new GitHubIdentityProvider(SETTINGS, async () => secret ?? undefined);

describe('the authorize URL', () => {
  it("given a state, then it is GitHub's authorize page with the client id, the callback, the scopes and the state", () => {
    const url = new URL(aProvider().authorizationUrl('the-state'));

    expect(url.origin + url.pathname).toBe('https://github.com/login/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-123',
      state: 'the-state',
      scope: 'read:user user:email',
      redirect_uri: SETTINGS.callbackUrl,
    });
  });

  it('given no secret at all, then the authorize URL can still be built (starting a login needs none)', () => {
    expect(() => aProvider({ secret: null }).authorizationUrl('s')).not.toThrow();
  });
});

describe('identify: a code exchanged and the user read', () => {
  it('given an account with a public email, then its id, login, name, email and avatar come back', async () => {
    const account = aGitHubAccount({
      id: 1,
      login: 'Octocat',
      name: 'The Octocat',
      email: 'octo@example.com',
    });

    const identity = await aProvider().identify(github.authorizes(account));

    expect(identity).toEqual({
      id: 1,
      login: 'Octocat',
      name: 'The Octocat',
      email: 'octo@example.com',
      avatarUrl: account.avatar_url,
    });
  });

  it('given a code, then it is exchanged with the client id and secret as Basic credentials and the callback URL', async () => {
    const code = github.authorizes(aGitHubAccount());

    await aProvider().identify(code);

    expect(github.tokenRequests).toEqual([
      { code, redirectUri: SETTINGS.callbackUrl, credentials: `client-123:${SECRET}` },
    ]);
  });

  it('given a profile that hides its email, then the primary verified one comes from /user/emails', async () => {
    const account = aGitHubAccount({
      email: null,
      emails: [
        { email: 'old@example.com', primary: false, verified: true },
        { email: 'unverified@example.com', primary: true, verified: false },
        { email: 'primary@example.com', primary: true, verified: true },
      ],
    });

    expect((await aProvider().identify(github.authorizes(account))).email).toBe('primary@example.com');
  });

  it('given a hidden email and no primary verified one, then the email is null (the core refuses the login)', async () => {
    const account = aGitHubAccount({
      email: null,
      emails: [{ email: 'unverified@example.com', primary: true, verified: false }],
    });

    expect((await aProvider().identify(github.authorizes(account))).email).toBeNull();
  });

  it('given an empty display name, then the name is null', async () => {
    const account = aGitHubAccount({ name: '  ' });

    expect((await aProvider().identify(github.authorizes(account))).name).toBeNull();
  });
});

describe("identify: GitHub's failures", () => {
  it('given a code GitHub does not know (a 200 with bad_verification_code), then Unauthorized', async () => {
    await expect(aProvider().identify('a-bad-code')).rejects.toBeInstanceOf(Unauthorized);
  });

  it.each([500, 502, 503])('given the token endpoint answering %i, then Unavailable', async (status) => {
    github.tokenEndpointOutage = { status };

    await expect(aProvider().identify(github.authorizes(aGitHubAccount()))).rejects.toBeInstanceOf(
      Unavailable,
    );
  });

  it('given the token endpoint unreachable (a network error), then Unavailable', async () => {
    github.tokenEndpointOutage = 'network';

    await expect(aProvider().identify(github.authorizes(aGitHubAccount()))).rejects.toBeInstanceOf(
      Unavailable,
    );
  });

  it('given the REST API answering 500, then Unavailable', async () => {
    github.apiOutage = { status: 500 };

    await expect(aProvider().identify(github.authorizes(aGitHubAccount()))).rejects.toBeInstanceOf(
      Unavailable,
    );
  });

  it('given the REST API unreachable, then Unavailable', async () => {
    github.apiOutage = 'network';

    await expect(aProvider().identify(github.authorizes(aGitHubAccount()))).rejects.toBeInstanceOf(
      Unavailable,
    );
  });

  it('given no client secret configured, then Unavailable, and GitHub is not called', async () => {
    await expect(aProvider({ secret: null }).identify('code')).rejects.toBeInstanceOf(Unavailable);
    expect(github.tokenRequests).toEqual([]);
  });

  it('given any failure, then neither the client secret nor the GitHub token reaches a log or an error message', async () => {
    const logged: string[] = [];
    for (const level of ['debug', 'info', 'warn', 'error'] as const) {
      vi.spyOn(logger, level).mockImplementation(
        (...args: unknown[]) => void logged.push(JSON.stringify(args)),
      );
    }
    const messages: string[] = [];
    github.apiOutage = { status: 502 };
    messages.push(
      String(
        await aProvider()
          .identify(github.authorizes(aGitHubAccount()))
          .catch((e) => e),
      ),
    );
    github.apiOutage = undefined;
    github.tokenEndpointOutage = 'network';
    messages.push(
      String(
        await aProvider()
          .identify(github.authorizes(aGitHubAccount()))
          .catch((e) => e),
      ),
    );
    messages.push(
      String(
        await aProvider()
          .identify('a-bad-code')
          .catch((e) => e),
      ),
    );

    const everything = [...logged, ...messages].join('\n');
    expect(logged.length).toBeGreaterThan(0);
    expect(everything).not.toContain(SECRET);
    for (const token of github.issuedTokens()) expect(everything).not.toContain(token);
  });
});

describe('settings from the environment', () => {
  it('given nothing set, then the client id and callback URL are named as missing', () => {
    expect(gitHubAppSettings({})).toEqual({ missing: ['GITHUB_CLIENT_ID', 'GITHUB_CALLBACK_URL'] });
    expect(hasClientSecret({})).toBe(false);
  });

  it('given a callback that is not an http(s) URL, then it counts as missing', () => {
    expect(
      gitHubAppSettings({ GITHUB_CLIENT_ID: 'id', GITHUB_CALLBACK_URL: 'javascript:alert(1)' }).missing,
    ).toEqual(['GITHUB_CALLBACK_URL']);
  });

  it('given everything set, then the settings come back, and a secret ARN counts as a secret', () => {
    expect(
      gitHubAppSettings({
        GITHUB_CLIENT_ID: 'id',
        GITHUB_CALLBACK_URL: 'http://localhost:3000/login/authorized',
      }),
    ).toEqual({
      settings: { clientId: 'id', callbackUrl: 'http://localhost:3000/login/authorized' },
      missing: [],
    });
    expect(hasClientSecret({ GITHUB_CLIENT_SECRET_ARN: 'arn:aws:secretsmanager:...' })).toBe(true);
  });
});
