import { fileURLToPath } from 'node:url';
import { expect, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import type { LinkResponse } from '../../../shared/links/schemas.ts';
import { aLambdaContext, anApiEvent, type ApiEventInput } from '../../support/builders.ts';

/** Calling Lambda handlers in-process, the way API Gateway would, and reading their answers. */

export const TABLES = { links: 'links-table', users: 'users-table' } as const;

/** What every HTTP function reads from its environment; call before a handler module is imported. */
export function stubFunctionEnvironment(extra: Record<string, string> = {}): void {
  vi.stubEnv('LINKS_TABLE', TABLES.links);
  vi.stubEnv('USERS_TABLE', TABLES.users);
  vi.stubEnv('PAGE_TOKEN_SECRET', 'a-unit-test-key-of-at-least-thirty-two-characters');
  vi.stubEnv('LOCAL_RUNTIME', 'false');
  // The GitHub OAuth app of the login functions (GitHub itself is never reached by unit tests).
  vi.stubEnv('GITHUB_CLIENT_ID', 'unit-test-client-id');
  vi.stubEnv('GITHUB_CLIENT_SECRET', 'unit-test-client-secret');
  vi.stubEnv('GITHUB_CALLBACK_URL', 'https://api.example.com/login/authorized');
  for (const [name, value] of Object.entries(extra)) vi.stubEnv(name, value);
}

export interface ErrorAnswer {
  error: { code: string; message: string; details?: Record<string, unknown> };
  link?: LinkResponse;
}

export interface Answer<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
  /** The raw body, as sent. */
  text: string | undefined;
  /** The cookies it sets (API Gateway's `cookies`, each a Set-Cookie). */
  cookies: string[];
}

/**
 * Invokes a handler with an HTTP API event built from `input`. Every answer must carry the request's id in
 * `x-request-id` and `X-Content-Type-Options: nosniff`, so that is checked here, on every call.
 */
export async function call<T = unknown>(handler: HttpHandler, input: ApiEventInput = {}): Promise<Answer<T>> {
  const event = anApiEvent(input);
  const result = await handler(event, aLambdaContext());
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  expect(headers['x-request-id'], 'x-request-id').toBe(event.requestContext.requestId);
  expect(headers['x-content-type-options'], 'x-content-type-options').toBe('nosniff');
  const json = headers['content-type']?.startsWith('application/json') && result.body !== undefined;
  return {
    status: result.statusCode ?? 200,
    headers,
    body: (json ? JSON.parse(result.body!) : result.body) as T,
    text: result.body,
    cookies: result.cookies ?? [],
  };
}

/** An error answer in the contract's format, with its status and code; returns the body for more checks. */
export function expectError(answer: Answer, status: number, code: string): ErrorAnswer {
  expect(answer.status, `status; body: ${answer.text}`).toBe(status);
  expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  const body = answer.body as ErrorAnswer;
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.message.length).toBeGreaterThan(0);
  return body;
}

/** The handler of a function module under functions/, by its wiring entry (`links/add-link`). */
export async function importHandler(entry: string): Promise<HttpHandler> {
  const file = fileURLToPath(new URL(`../../../functions/${entry}.ts`, import.meta.url));
  const module = (await import(/* @vite-ignore */ file)) as { handler: HttpHandler };
  return module.handler;
}
