import { API_VERSION_PREFIXES, isDeployed, routes, type RouteDeclaration } from '../shared/wiring.ts';
import { ASSETS_PREFIX, CLIENT_PATHS, PROFILE_PREFIX } from '../web/src/paths.ts';

/**
 * Which requests CloudFront sends where, derived from the wiring's routes and the web client's paths
 * (web/src/paths.ts), so that a new route or screen needs no change here:
 *
 * - API behaviours, one per first path segment of the deployed routes: `/v1/*`, `/login*` (for `/login` and
 *   `/login/authorized`), `/logout`, `/healthz`, ... Not cached, except the public, shared-cacheable ones below.
 * - The web client is the default behaviour (the S3 bucket): its own paths are rewritten to `/index.html` by a
 *   CloudFront Function, `/assets/*` are the built files, and any other path is answered 404 in the contract's
 *   error format by the same function, as the local runtime answers it. No error page rewrites a status, so the
 *   API's own 4xx answers pass through untouched.
 */

/** Public answers that shared caches may keep and revalidate (`Cache-Control: public, no-cache` from the functions). */
export const SHARED_CACHE_PATTERNS: readonly string[] = [
  '/u/*',
  '/users/*',
  '/feeds/*',
  ...API_VERSION_PREFIXES.map((prefix) => `${prefix}/users/*/links`),
];

/** The client's built files (hashed names), under Vite's assets folder. */
export const ASSETS_PATTERN = `${ASSETS_PREFIX}*`;

/** Whether a CloudFront path pattern matches a path: `*` is any run of characters, `?` any one, case-sensitive. */
export function matchesPathPattern(pattern: string, path: string): boolean {
  const expression = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${expression}$`).test(path);
}

/** A concrete path of a route's template: each `{param}` becomes a sample segment. */
export function samplePath(route: Pick<RouteDeclaration, 'path'>): string {
  return route.path.replace(/\{[^}]+\}/g, 'sample');
}

/**
 * The API's path patterns, one per first segment of the deployed routes: the exact path when that is the only
 * route under it (`/healthz`), `/<segment>*` when the segment is itself a route and has routes under it
 * (`/login*`), else `/<segment>/*`.
 */
export function apiPathPatterns(deployed: readonly RouteDeclaration[] = routes.filter(isDeployed)): string[] {
  const bySegment = new Map<string, Set<string>>();
  for (const route of deployed) {
    const segment = `/${route.path.split('/')[1]}`;
    bySegment.set(segment, (bySegment.get(segment) ?? new Set()).add(route.path));
  }
  return [...bySegment].map(([segment, paths]) => {
    const nested = [...paths].some((path) => path !== segment);
    if (!nested) return segment;
    return paths.has(segment) ? `${segment}*` : `${segment}/*`;
  });
}

/**
 * The behaviours in CloudFront's order (the first pattern that matches wins): the shared-cacheable ones first,
 * as they are narrower, then the rest of the API, then the client's assets. Checked while synthesizing: every
 * deployed route reaches the API, only public GET routes are behind a cache, and no client path is taken by the
 * API.
 */
export function edgeBehaviours(): { pattern: string; target: 'api' | 'cachedApi' | 'assets' }[] {
  const api = apiPathPatterns().filter((pattern) => !SHARED_CACHE_PATTERNS.includes(pattern));
  const behaviours = [
    ...SHARED_CACHE_PATTERNS.map((pattern) => ({ pattern, target: 'cachedApi' as const })),
    ...api.map((pattern) => ({ pattern, target: 'api' as const })),
    { pattern: ASSETS_PATTERN, target: 'assets' as const },
  ];
  const behaviourOf = (path: string) => behaviours.find((b) => matchesPathPattern(b.pattern, path));
  for (const route of routes.filter(isDeployed)) {
    const target = behaviourOf(samplePath(route))?.target;
    if (target !== 'api' && target !== 'cachedApi') {
      throw new Error(`${route.method} ${route.path} reaches no API behaviour of the distribution.`);
    }
    if (target === 'cachedApi' && (route.access !== 'public' || route.method !== 'GET')) {
      throw new Error(
        `${route.method} ${route.path} needs a token, or changes things, behind a shared cache.`,
      );
    }
  }
  for (const path of [...CLIENT_PATHS, `${PROFILE_PREFIX}sample`]) {
    if (behaviourOf(path))
      throw new Error(`The client's path ${path} is taken by the ${behaviourOf(path)?.pattern} behaviour.`);
  }
  return behaviours;
}

/**
 * The CloudFront Function (cloudfront-js-2.0) on the client's behaviour, viewer request: the client's own paths
 * (web/src/paths.ts, embedded as data) get `/index.html`, and anything else is a 404 in the contract's error
 * format, as the API answers a path it has no route for. (`/assets/*` is a behaviour of its own.)
 */
export function clientRoutingFunctionCode(): string {
  return `var CLIENT_PATHS = ${JSON.stringify(CLIENT_PATHS)};
var PROFILE_PREFIX = ${JSON.stringify(PROFILE_PREFIX)};

function isProfile(uri) {
  if (uri.indexOf(PROFILE_PREFIX) !== 0) return false;
  var segment = uri.slice(PROFILE_PREFIX.length);
  if (segment === '' || segment.indexOf('/') !== -1) return false;
  try {
    decodeURIComponent(segment);
    return true;
  } catch (e) {
    return false;
  }
}

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (CLIENT_PATHS.indexOf(uri) !== -1 || isProfile(uri)) {
    request.uri = '/index.html';
    return request;
  }
  var body = { error: { code: 'not_found', message: 'No route for ' + request.method + ' ' + uri + '.' } };
  return {
    statusCode: 404,
    statusDescription: 'Not Found',
    headers: {
      'content-type': { value: 'application/json' },
      'cache-control': { value: 'no-store' },
      'x-request-id': { value: event.context.requestId }
    },
    body: { encoding: 'text', data: JSON.stringify(body) }
  };
}
`;
}
