/**
 * Who is signed in. A browser session is the HttpOnly cookie that the service sets at sign-in (GitHub, or the
 * local runtime's form): no script here ever sees its token, and it survives reloads and new tabs until it expires
 * or the person signs out. So what the client keeps is only the username, learned from `GET /v1/me` (200: signed
 * in, 401: not) when the page loads and at sign-in.
 *
 * A personal token pasted into the sign-in screen is the one exception: the client sends it as a bearer token,
 * so it is kept in sessionStorage, for this tab only.
 */
const PASTED_TOKEN_KEY = 'delinkcious.token';

export interface Session {
  username: string;
  /** A pasted personal token, sent as `Authorization: Bearer`; absent for the cookie session. */
  token?: string;
}

let signedIn: Session | undefined;

export function currentSession(): Session | undefined {
  return signedIn;
}

/** A pasted token, if this tab holds one: sent with each request until signing out. */
export function pastedToken(): string | undefined {
  return sessionStorage.getItem(PASTED_TOKEN_KEY) ?? undefined;
}

export function startSession(session: Session): void {
  signedIn = session;
  if (session.token) sessionStorage.setItem(PASTED_TOKEN_KEY, session.token);
  else sessionStorage.removeItem(PASTED_TOKEN_KEY);
}

export function endSession(): void {
  signedIn = undefined;
  sessionStorage.removeItem(PASTED_TOKEN_KEY);
}
