import createClient from 'openapi-fetch';
import { currentSession, endSession, pastedToken, startSession } from '../session.ts';
import { sendOnce } from './send-once.ts';
import type { components, paths } from './schema';

export type Link = components['schemas']['Link'];
export type NewsEvent = components['schemas']['NewsEvent'];

/** An answer of the API that is not a success, in the contract's error format. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** On a 429: how long to wait before retrying (the `Retry-After` header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const unauthorizedListeners = new Set<() => void>();

/** Called when the API answers 401 to a signed-in request: the session has ended (expired, revoked). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/**
 * The typed API client (paths and bodies from the OpenAPI document), on the page's own origin. It sends the
 * session cookie (same origin only) and `X-Requested-With`, which the service takes as proof that its own page sent
 * a cookie-signed change when a browser leaves `Origin` out; a pasted personal token goes as a bearer token.
 */
export const api = createClient<paths>({
  baseUrl: location.origin,
  credentials: 'same-origin',
  fetch: (request) => sendOnce(request),
});

api.use({
  onRequest({ request }) {
    request.headers.set('x-requested-with', 'delinkcious-web');
    const token = pastedToken();
    if (token && !request.headers.has('authorization'))
      request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && currentSession()) {
      endSession();
      for (const listener of unauthorizedListeners) listener();
    }
    return response;
  },
});

/**
 * Whether anyone is signed in here, asked of the service when the page loads: `GET /v1/me` answers 200 for the
 * session cookie (or this tab's pasted token) and 401 when there is none. A failure to ask counts as signed out.
 */
export async function restoreSession(): Promise<void> {
  const result = await api.GET('/v1/me').catch(() => undefined);
  if (result?.data) startSession({ username: result.data.username, token: pastedToken() });
  else endSession();
}

/**
 * Whether the service offers the local sign-in form (`POST /dev/login`): it exists on the local runtime only, so a
 * deployed stack answers 404 for its path (locally a `GET` is 405: the path is there, for `POST`).
 */
export async function devSignInAvailable(): Promise<boolean> {
  const response = await fetch('/dev/login', { credentials: 'omit' }).catch(() => undefined);
  return response !== undefined && response.status !== 404;
}

/** The data of a successful answer; anything else becomes an `ApiProblem`. */
export function answer<T>(result: { data?: T; error?: unknown; response: Response }): T {
  const { response } = result;
  if (response.ok && result.data !== undefined) return result.data;
  if (response.ok) return undefined as T;
  throw problemOf(response, result.error);
}

function problemOf(response: Response, body: unknown): ApiProblem {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error;
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ApiProblem(
    response.status,
    typeof error?.code === 'string' ? error.code : 'unexpected',
    typeof error?.message === 'string' ? error.message : `The service answered ${response.status}.`,
    (error?.details as Record<string, unknown> | undefined) ?? {},
    response.status === 429 && Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

/** What a failed call tells the reader; network failures included. */
export function problemFrom(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  return new ApiProblem(0, 'network', 'The service could not be reached. Check the connection and retry.');
}
