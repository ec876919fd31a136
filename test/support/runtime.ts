import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { startRuntime, type Runtime } from '../../local/runtime.ts';

/** The local runtime on a free port, over the run's shared engines, with tables of its own. */
export async function startTestRuntime(): Promise<Runtime> {
  return startRuntime({
    port: 0,
    dynamoDbPort: 0,
    queuesPort: 0,
    prefix: `e2e-${randomBytes(4).toString('hex')}-`,
    engines: { dynamoDbEndpoint: inject('dynamoDbEndpoint'), queuesEndpoint: inject('queuesEndpoint') },
  });
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A small HTTP client for one user of the API. */
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
    const response = await fetch(`${this.baseUrl}${path}`, init);
    const text = await response.text();
    let parsed: unknown = text;
    if (response.headers.get('content-type')?.startsWith('application/json')) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get = <T = Record<string, unknown>>(path: string, headers?: Record<string, string>) =>
    this.send<T>('GET', path, undefined, headers);
  post = <T = Record<string, unknown>>(path: string, body?: unknown) => this.send<T>('POST', path, body);
  put = <T = Record<string, unknown>>(path: string, body?: unknown) => this.send<T>('PUT', path, body);
  delete = <T = Record<string, unknown>>(path: string, body?: unknown) => this.send<T>('DELETE', path, body);
}
