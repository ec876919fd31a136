/** The account area: an overview, and its screens for import, export, and personal tokens and sessions. */
export const ACCOUNT_PATHS = ['/account', '/account/import', '/account/export', '/account/tokens'] as const;
export type AccountPath = (typeof ACCOUNT_PATHS)[number];

export function isAccountPath(path: string): path is AccountPath {
  return (ACCOUNT_PATHS as readonly string[]).includes(path);
}

/**
 * The web client's own paths. The server answers a GET of one of them with the client's index.html (the client
 * then shows the screen); any other path that is neither an API route nor a built file stays the API's JSON 404.
 * Plain data without browser or Node types: the local server imports it too.
 */
export const CLIENT_PATHS = [
  '/',
  '/sign-in',
  '/add',
  '/edit',
  '/help',
  '/news',
  '/people',
  ...ACCOUNT_PATHS,
] as const;
export type ClientPath = (typeof CLIENT_PATHS)[number];

/** Where the built client keeps its hashed scripts and styles (Vite's `build.assetsDir`). */
export const ASSETS_PREFIX = '/assets/';

/**
 * The reader's news as an Atom feed (an API route, not the client's): a token of scope `feed` is the URL's secret
 * part, since feed readers send no headers.
 */
export function newsFeedUrl(origin: string, feedToken: string): string {
  return `${origin}/feeds/news/${encodeURIComponent(feedToken)}.atom`;
}

/** A person's public profile in the client: `/people/<username>`. */
export const PROFILE_PREFIX = '/people/';

export function profilePath(username: string): string {
  return `${PROFILE_PREFIX}${encodeURIComponent(username)}`;
}

/** The username of a profile path, or undefined when `path` is not one (one non-empty segment after /people/). */
export function profileUsername(path: string): string | undefined {
  if (!path.startsWith(PROFILE_PREFIX)) return undefined;
  const segment = path.slice(PROFILE_PREFIX.length);
  if (segment === '' || segment.includes('/')) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape (`%E0%A4%A`) names nobody.
    return undefined;
  }
}

/** Whether the client shows a screen at `path`: one of its fixed paths, or a profile. */
export function isClientPath(path: string): boolean {
  return isFixedClientPath(path) || profileUsername(path) !== undefined;
}

export function isFixedClientPath(path: string): path is ClientPath {
  return (CLIENT_PATHS as readonly string[]).includes(path);
}

/** A path back into the client after signing in: only one of its own, never another origin. */
export function safeReturnPath(next: string | null): string {
  // '//host' and '/\host' are other origins to a browser.
  return next && next.startsWith('/') && !/^\/[/\\]/.test(next) ? next : '/';
}
