import { http, HttpResponse } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';
import { randomBytes } from 'node:crypto';

/**
 * GitHub, answered by a fake: msw (3.x) intercepts the global `fetch` (and node:http) calls to github.com and
 * api.github.com in this process, which includes the in-process local runtime of the e2e tests. Every other
 * request (DynamoDB Local, the API under test) passes through untouched.
 */

export interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility?: 'public' | 'private' | null;
}

/** A GitHub account as GET /user and GET /user/emails show it. */
export interface GitHubAccount {
  id: number;
  login: string;
  name: string | null;
  /** The public email; null when the profile hides it. */
  email: string | null;
  avatar_url: string | null;
  emails: GitHubEmail[];
}

let nextId = 1000;

/** A GitHub account with a public email; each call a new numeric id. */
export function aGitHubAccount(overrides: Partial<GitHubAccount> = {}): GitHubAccount {
  const id = overrides.id ?? nextId++;
  const login = overrides.login ?? `octocat-${id}`;
  const email = `${login.toLowerCase()}@users.example.com`;
  return {
    id,
    login,
    name: `Octo Cat ${id}`,
    email,
    avatar_url: `https://avatars.example.com/u/${id}`,
    emails: [{ email, primary: true, verified: true, visibility: 'public' }],
    ...overrides,
  };
}

/** What the fake does instead of answering normally. */
export type Outage = { status: number } | 'network';

export interface TokenRequest {
  code: string | null;
  redirectUri: string | null;
  /** From the Basic authorization header: `client_id:client_secret`. */
  credentials: string;
}

export class FakeGitHub {
  private readonly codes = new Map<string, GitHubAccount>();
  private readonly tokens = new Map<string, GitHubAccount>();
  /** Every code exchange GitHub saw. */
  readonly tokenRequests: TokenRequest[] = [];
  /** Access tokens sent to the REST API. */
  readonly apiTokens: string[] = [];
  tokenEndpointOutage: Outage | undefined;
  apiOutage: Outage | undefined;
  readonly server: SetupServer;

  constructor() {
    this.server = setupServer(
      http.post('https://github.com/login/oauth/access_token', async ({ request }) => {
        const body = new URLSearchParams(await request.text());
        const basic = request.headers.get('authorization')?.replace(/^Basic /, '') ?? '';
        this.tokenRequests.push({
          code: body.get('code'),
          redirectUri: body.get('redirect_uri'),
          credentials: Buffer.from(basic, 'base64').toString('utf8'),
        });
        if (this.tokenEndpointOutage) return outage(this.tokenEndpointOutage);
        const account = this.codes.get(body.get('code') ?? '');
        // GitHub answers a bad code with 200 and an error, as it does.
        if (!account) {
          return HttpResponse.json({
            error: 'bad_verification_code',
            error_description: 'The code passed is incorrect or expired.',
          });
        }
        this.codes.delete(body.get('code')!);
        const token = `gho_${randomBytes(16).toString('hex')}`;
        this.tokens.set(token, account);
        return HttpResponse.json({
          access_token: token,
          token_type: 'bearer',
          scope: 'read:user,user:email',
        });
      }),
      http.get('https://api.github.com/user', ({ request }) => {
        if (this.apiOutage) return outage(this.apiOutage);
        const account = this.account(request);
        if (!account) return HttpResponse.json({ message: 'Bad credentials' }, { status: 401 });
        const { emails: _emails, ...profile } = account;
        return HttpResponse.json(profile);
      }),
      http.get('https://api.github.com/user/emails', ({ request }) => {
        if (this.apiOutage) return outage(this.apiOutage);
        const account = this.account(request);
        if (!account) return HttpResponse.json({ message: 'Bad credentials' }, { status: 401 });
        return HttpResponse.json(account.emails);
      }),
    );
  }

  listen(): void {
    // msw 3's name for msw 2's `onUnhandledRequest: 'bypass'`: everything but GitHub goes through untouched, silently.
    this.server.listen({ onUnhandledFrame: 'bypass' });
  }

  close(): void {
    this.server.close();
  }

  /** Forgets codes, tokens, outages and what was seen. */
  reset(): void {
    this.codes.clear();
    this.tokens.clear();
    this.tokenRequests.length = 0;
    this.apiTokens.length = 0;
    this.tokenEndpointOutage = undefined;
    this.apiOutage = undefined;
  }

  /** The person authorizes the app on GitHub: returns the code GitHub would send to the callback. */
  authorizes(account: GitHubAccount): string {
    const code = `code-${randomBytes(8).toString('hex')}`;
    this.codes.set(code, account);
    return code;
  }

  /** Every GitHub access token issued so far. */
  issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  private account(request: Request): GitHubAccount | undefined {
    const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
    this.apiTokens.push(token);
    return this.tokens.get(token);
  }
}

function outage(kind: Outage): Response {
  if (kind === 'network') return HttpResponse.error();
  return new HttpResponse('GitHub is having a bad day', { status: kind.status });
}
