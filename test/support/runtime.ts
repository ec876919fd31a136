import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { startRuntime, type Runtime } from '../../local/runtime.ts';
import { assertConformsToDocument } from './openapi-contract.ts';

/**
 * What the test runtime sets:
 * - unless a test file set them first, rate limits far above what any test sends, since e2e tests make many
 *   requests per token and all come from 127.0.0.1 (test/e2e/rate-limit.test.ts sets the contract's 12/s and 80
 *   before starting its runtime);
 * - always, a GitHub OAuth app that exists only in the tests, whatever the developer's shell holds (GitHub
 *   itself is answered by msw where a test needs it); the callback URL is the runtime's own default.
 */
export const TEST_RUNTIME_DEFAULTS = {
  RATE_LIMIT_PER_SECOND: '100000',
  RATE_LIMIT_BURST: '100000',
};
export const TEST_GITHUB_APP = {
  GITHUB_CLIENT_ID: 'test-client-id',
  GITHUB_CLIENT_SECRET: 'test-client-secret',
};

/** The local runtime on a free port, over the run's shared engines, with tables of its own. */
export async function startTestRuntime(
  options: { pollers?: boolean; webClientBuild?: string } = {},
): Promise<Runtime> {
  for (const [name, value] of Object.entries(TEST_RUNTIME_DEFAULTS)) process.env[name] ??= value;
  Object.assign(process.env, TEST_GITHUB_APP);
  delete process.env.GITHUB_CALLBACK_URL;
  delete process.env.GITHUB_CLIENT_SECRET_ARN;
  return startRuntime({
    port: 0,
    dynamoDbPort: 0,
    queuesPort: 0,
    pollers: options.pollers ?? true,
    webClientBuild: options.webClientBuild,
    prefix: `e2e-${randomBytes(4).toString('hex')}-`,
    engines: { dynamoDbEndpoint: inject('dynamoDbEndpoint'), queuesEndpoint: inject('queuesEndpoint') },
  });
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A small HTTP client for one user of the API; every answer is checked against the OpenAPI document. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    public token?: string,
  ) {}

  static async loggedIn(baseUrl: string, username: string): Promise<ApiClient> {
    const response = await new ApiClient(baseUrl).send('POST', '/dev/login', { username });
    if (response.status !== 200) throw new Error(`dev login failed: ${response.status}`);
    return new ApiClient(baseUrl, response.body.access_token as string);
  }

  async send<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    const sent = init.headers as Record<string, string>;
    if (this.token && !('authorization' in sent) && !('access-token' in sent)) {
      sent['authorization'] = `Bearer ${this.token}`;
    }
    if (typeof body === 'string') init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      sent['content-type'] ??= 'application/json';
    }
    // Redirects are answers too: the client sees them instead of following them.
    const response = await fetch(`${this.baseUrl}${path}`, { ...init, redirect: 'manual' });
    return checkedAnswer<T>(method, path, response);
  }

  get = <T = Record<string, unknown>>(path: string, headers?: Record<string, string>) =>
    this.send<T>('GET', path, undefined, headers);
  head = (path: string, headers?: Record<string, string>) =>
    this.send<string>('HEAD', path, undefined, headers);
  post = <T = Record<string, unknown>>(path: string, body?: unknown) => this.send<T>('POST', path, body);
  put = <T = Record<string, unknown>>(path: string, body?: unknown) => this.send<T>('PUT', path, body);
  delete = <T = Record<string, unknown>>(path: string, body?: unknown) => this.send<T>('DELETE', path, body);
}

/**
 * The answer as a test reads it, once checked against the OpenAPI document: JSON parsed when the answer says it is
 * JSON and has a body (a HEAD's has none), else the text.
 */
async function checkedAnswer<T>(method: string, path: string, response: Response): Promise<ApiResponse<T>> {
  const text = await response.text();
  assertConformsToDocument({ method, path, status: response.status, headers: response.headers, text });
  let parsed: unknown = text;
  if (text !== '' && response.headers.get('content-type')?.startsWith('application/json'))
    parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** Requests that the shorthand methods above do not cover: other verbs, forms, raw bodies, chosen headers. */
export interface RawRequest {
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Leave the client's token off this request. */
  anonymous?: boolean;
}

export class RawApiClient extends ApiClient {
  constructor(
    private readonly rawBaseUrl: string,
    token?: string,
  ) {
    super(rawBaseUrl, token);
  }

  static async loggedInRaw(baseUrl: string, username: string): Promise<RawApiClient> {
    const client = await ApiClient.loggedIn(baseUrl, username);
    return new RawApiClient(baseUrl, client.token);
  }

  /**
   * Sends the body exactly as given: no JSON encoding and no content type unless one is in `headers`; answers
   * that are not JSON come back as text.
   */
  async raw<T = Record<string, unknown>>(
    method: string,
    path: string,
    request: RawRequest = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...request.headers };
    if (this.token && !request.anonymous && !('authorization' in headers) && !('access-token' in headers)) {
      headers['authorization'] = `Bearer ${this.token}`;
    }
    const body = request.body === undefined ? undefined : new Blob([request.body]);
    // Redirects are answers too: a raw request sees them instead of following them.
    const response = await fetch(`${this.rawBaseUrl}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(body ? { body } : {}),
    });
    return checkedAnswer<T>(method, path, response);
  }

  /** An `application/x-www-form-urlencoded` body, as an HTML form or the original's clients send it. */
  form<T = Record<string, unknown>>(method: string, path: string, fields: Record<string, string>) {
    return this.raw<T>(method, path, {
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  patch = <T = Record<string, unknown>>(path: string, body?: unknown) => this.send<T>('PATCH', path, body);
}
