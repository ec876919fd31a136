import createClient from 'openapi-fetch';
import { currentSession, endSession } from '../session.ts';
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

/** The typed API client (paths and bodies from the OpenAPI document), on the page's own origin. */
export const api = createClient<paths>({ baseUrl: location.origin });

api.use({
  onRequest({ request }) {
    const session = currentSession();
    if (session) request.headers.set('authorization', `Bearer ${session.token}`);
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
