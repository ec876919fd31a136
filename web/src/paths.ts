/**
 * The web client's own paths. The server answers a GET of one of them with the client's index.html (the client
 * then shows the screen); any other path that is neither an API route nor a built file stays the API's JSON 404.
 * Plain data without browser or Node types: the local server imports it too.
 */
export const CLIENT_PATHS = ['/', '/sign-in', '/add', '/edit', '/help'] as const;
export type ClientPath = (typeof CLIENT_PATHS)[number];

/** Where the built client keeps its hashed scripts and styles (Vite's `build.assetsDir`). */
export const ASSETS_PREFIX = '/assets/';

export function isClientPath(path: string): path is ClientPath {
  return (CLIENT_PATHS as readonly string[]).includes(path);
}

/** A path back into the client after signing in: only one of its own, never another origin. */
export function safeReturnPath(next: string | null): string {
  // '//host' and '/\host' are other origins to a browser.
  return next && next.startsWith('/') && !/^\/[/\\]/.test(next) ? next : '/';
}
