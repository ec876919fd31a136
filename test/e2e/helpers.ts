import { afterAll, beforeAll, expect } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { RawApiClient, startTestRuntime, type ApiResponse } from '../support/runtime.ts';

/** What the e2e tests read back from the API. */

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export interface LinkBody {
  url: string;
  title: string;
  description: string;
  tags: string[];
  private: boolean;
  status: string;
  http_status: number | null;
  checked_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface LinkEnvelope {
  link: LinkBody;
}

export interface LinkListing {
  links: LinkBody[];
  next_token: string | null;
}

export interface TagListing {
  tags: { name: string; count: number }[];
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
  link?: LinkBody;
}

/** RFC 3339 UTC with milliseconds, as the contract writes every timestamp. */
export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Headers that every answer carries, success or failure. */
export function expectCommonHeaders(response: ApiResponse<unknown>): void {
  expect(response.headers.get('x-request-id'), 'x-request-id').toMatch(/^\S+$/);
  expect(response.headers.get('x-content-type-options'), 'x-content-type-options').toBe('nosniff');
}

/** A JSON answer with the given status. */
export function expectJson<T>(response: ApiResponse<unknown>, status: number): T {
  expect(response.status, `status; body: ${JSON.stringify(response.body)}`).toBe(status);
  expectCommonHeaders(response);
  expect(response.headers.get('content-type')).toBe(JSON_CONTENT_TYPE);
  return response.body as T;
}

/** An error in the contract's format: the status, the code, a message, the common headers. */
export function expectError(response: ApiResponse<unknown>, status: number, code: string): ErrorBody {
  const body = expectJson<ErrorBody>(response, status);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.message.length).toBeGreaterThan(0);
  return body;
}

/** A query string from fields, for paths. */
export function query(fields: Record<string, string | number>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) params.append(name, String(value));
  return params.toString();
}

let counter = 0;
/** A username that no other test in the file uses (usernames: lower-case letters, digits, hyphens). */
export function aUsername(base: string): string {
  counter++;
  return `${base}-${counter}`;
}

export const pause = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * The test file's own runtime: started before its tests (with `environment` set first, for the file alone, since
 * vitest gives each file a module scope and configuration is read once per process) and stopped after them.
 * `login` signs in a user no other test of the file uses.
 */
export function useRuntime(environment: Record<string, string> = {}) {
  let runtime: Runtime | undefined;
  const previous = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
  beforeAll(async () => {
    Object.assign(process.env, environment);
    runtime = await startTestRuntime();
  });
  afterAll(async () => {
    await runtime?.stop();
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const started = (): Runtime => {
    if (!runtime) throw new Error('The runtime starts before the first test.');
    return runtime;
  };
  return {
    get url(): string {
      return started().url;
    },
    login: (base: string) => RawApiClient.loggedInRaw(started().url, aUsername(base)),
  };
}
