/**
 * The signed-in user's bearer token, kept in sessionStorage: it lives as long as the tab and is sent only by
 * this client's own requests. (A later step replaces it with the HttpOnly cookie session of issue 18, item 3.)
 */
const TOKEN_KEY = 'delinkcious.token';
const USERNAME_KEY = 'delinkcious.username';

export interface Session {
  token: string;
  username: string;
}

export function currentSession(): Session | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const username = sessionStorage.getItem(USERNAME_KEY);
  return token && username ? { token, username } : undefined;
}

export function startSession(session: Session): void {
  sessionStorage.setItem(TOKEN_KEY, session.token);
  sessionStorage.setItem(USERNAME_KEY, session.username);
}

export function endSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USERNAME_KEY);
}
