import {
  ArcticFetchError,
  GitHub,
  OAuth2RequestError,
  UnexpectedErrorResponseBodyError,
  UnexpectedResponseError,
} from 'arctic';
import * as z from '../zod.ts';
import { Unauthorized, Unavailable } from '../errors.ts';
import { logger } from '../logger.ts';
import type { GitHubIdentity } from './model.ts';
import type { IdentityProvider } from './ports.ts';

/**
 * GitHub as Delinkcious's identity provider: arctic for the OAuth 2.0 authorization code flow, and GitHub's REST
 * API (through the global `fetch`) for who logged in. The GitHub access token lives only inside `identify`: it
 * is never stored, logged or returned.
 */

const GITHUB_SCOPES = ['read:user', 'user:email'];
const GITHUB_API = 'https://api.github.com';
const REST_TIMEOUT_MS = 5_000;

interface GitHubAppSettings {
  clientId: string;
  callbackUrl: string;
}

/**
 * The OAuth app's settings from the environment: GITHUB_CLIENT_ID and GITHUB_CALLBACK_URL (the local runtime
 * defaults the latter to http://localhost:<PORT>/login/authorized). `missing` names what is absent or invalid.
 */
export function gitHubAppSettings(env: NodeJS.ProcessEnv = process.env): {
  settings?: GitHubAppSettings;
  missing: string[];
} {
  const clientId = env.GITHUB_CLIENT_ID?.trim();
  const callbackUrl = env.GITHUB_CALLBACK_URL?.trim();
  const missing: string[] = [];
  if (!clientId) missing.push('GITHUB_CLIENT_ID');
  if (!callbackUrl || !isHttpUrl(callbackUrl)) missing.push('GITHUB_CALLBACK_URL');
  if (missing.length > 0) return { missing };
  return { settings: { clientId: clientId!, callbackUrl: callbackUrl! }, missing };
}

/** Whether a client secret is configured (directly, locally, or as a Secrets Manager ARN, deployed). */
export function hasClientSecret(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.GITHUB_CLIENT_SECRET?.trim() || env.GITHUB_CLIENT_SECRET_ARN?.trim());
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const gitHubUser = z.object({
  id: z.number().check(z.int(), z.positive()),
  login: z.string().check(z.minLength(1)),
  name: z.nullish(z.string()),
  email: z.nullish(z.string()),
  avatar_url: z.nullish(z.string()),
});

const gitHubEmails = z.array(
  z.looseObject({ email: z.string(), primary: z.boolean(), verified: z.boolean() }),
);

export class GitHubIdentityProvider implements IdentityProvider {
  readonly callbackUrl: string;

  constructor(
    private readonly settings: GitHubAppSettings,
    /** Read only when a code is exchanged, so that starting a login needs no secret. */
    private readonly clientSecret: () => Promise<string | undefined>,
  ) {
    this.callbackUrl = settings.callbackUrl;
  }

  authorizationUrl(state: string): string {
    // Building the authorize URL uses neither the secret nor the network.
    const client = new GitHub(this.settings.clientId, '', this.settings.callbackUrl);
    return client.createAuthorizationURL(state, GITHUB_SCOPES).toString();
  }

  async identify(code: string): Promise<GitHubIdentity> {
    const accessToken = await this.exchange(code);
    const user = await this.get('/user', accessToken, gitHubUser);
    if (!user) throw new Unavailable('GitHub answered unexpectedly; try logging in again shortly.');
    let email = user.email?.trim() || null;
    if (!email) {
      // The profile hides the address: ask for the primary verified one (scope user:email).
      const emails = (await this.get('/user/emails', accessToken, gitHubEmails, [403, 404])) ?? [];
      email = emails.find((entry) => entry.primary && entry.verified)?.email ?? null;
    }
    return {
      id: user.id,
      login: user.login,
      name: user.name?.trim() || null,
      email,
      avatarUrl: user.avatar_url ?? null,
    };
  }

  private async exchange(code: string): Promise<string> {
    let secret: string | undefined;
    try {
      secret = await this.clientSecret();
    } catch (error) {
      logger.error('cannot read the GitHub client secret', { error: (error as Error).name });
      throw new Unavailable('GitHub login is unavailable right now; try again shortly.');
    }
    if (!secret) throw new Unavailable('GitHub login is not configured: the client secret is missing.');
    const client = new GitHub(this.settings.clientId, secret, this.settings.callbackUrl);
    try {
      const tokens = await client.validateAuthorizationCode(code);
      return tokens.accessToken();
    } catch (error) {
      throw translateGitHubError(error);
    }
  }

  /** GET from GitHub's REST API; `absentOn` statuses answer undefined instead of failing. */
  private async get<S extends z.core.$ZodType>(
    path: string,
    accessToken: string,
    schema: S,
    absentOn: number[] = [],
  ): Promise<z.output<S> | undefined> {
    let response: Response;
    try {
      response = await fetch(`${GITHUB_API}${path}`, {
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${accessToken}`,
          'user-agent': 'delinkcious',
          'x-github-api-version': '2022-11-28',
        },
        signal: AbortSignal.timeout(REST_TIMEOUT_MS),
      });
    } catch (error) {
      throw translateGitHubError(error);
    }
    if (absentOn.includes(response.status)) {
      discard(response);
      return undefined;
    }
    if (response.status === 401) {
      discard(response);
      throw new Unauthorized('GitHub did not accept the login; start again at /login.');
    }
    if (!response.ok) {
      discard(response);
      logger.warn('GitHub answered with an error', { path, status: response.status });
      throw new Unavailable('GitHub is unavailable right now; try logging in again shortly.');
    }
    const parsed = z.safeParse(schema, await response.json().catch(() => undefined));
    if (!parsed.success) {
      logger.warn('GitHub answered in an unexpected shape', { path });
      throw new Unavailable('GitHub answered unexpectedly; try logging in again shortly.');
    }
    return parsed.data;
  }
}

/**
 * GitHub's answers in the domain's words: a refused code (arctic's OAuth2RequestError, GitHub's 200 with an
 * `error`) is 401; GitHub down, answering 5xx or nonsense, or unreachable is 503. Only the error's kind reaches
 * the log, never a request (whose headers hold the client secret or the GitHub token).
 */
function translateGitHubError(error: unknown): Error {
  if (error instanceof Unauthorized || error instanceof Unavailable) return error;
  if (error instanceof OAuth2RequestError) {
    return new Unauthorized(
      `GitHub did not accept the login code (${error.code}); it may have expired or been used. Start again at /login.`,
    );
  }
  const kind = error instanceof Error ? error.name : typeof error;
  const status =
    error instanceof UnexpectedResponseError || error instanceof UnexpectedErrorResponseBodyError
      ? error.status
      : undefined;
  if (
    error instanceof UnexpectedResponseError ||
    error instanceof UnexpectedErrorResponseBodyError ||
    error instanceof ArcticFetchError ||
    error instanceof TypeError ||
    (error instanceof Error && ['AbortError', 'TimeoutError'].includes(error.name))
  ) {
    logger.warn('GitHub is unavailable', { kind, ...(status !== undefined ? { status } : {}) });
    return new Unavailable('GitHub is unavailable right now; try logging in again shortly.');
  }
  // arctic's tokens.accessToken() throws a plain Error when GitHub's answer lacks a token.
  logger.warn('GitHub answered unexpectedly', { kind });
  return new Unavailable('GitHub answered unexpectedly; try logging in again shortly.');
}

/** Lets go of a body we will not read, without waiting on it. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}
