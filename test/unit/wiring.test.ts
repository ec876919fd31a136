import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rateKeyForIp } from '../../shared/http/rate-limit.ts';
import {
  fallbackFunction,
  functions,
  httpAccessOf,
  methodsOf,
  needsToken,
  readsOnly,
  changesState,
  routes,
  type FunctionName,
} from '../../shared/wiring.ts';
import { call, expectError, importHandler, stubFunctionEnvironment } from './support/http.ts';
import { useInMemoryServices } from './support/services.ts';

/**
 * Whether a route needs a token is declared once, on the route in the wiring, and the gate reads it there. The
 * cases below are derived from the wiring, so that a new route is covered the day it is declared.
 */

const services = useInMemoryServices();
beforeAll(() => stubFunctionEnvironment({ LOCAL_RUNTIME: 'true' }));
afterAll(() => vi.unstubAllEnvs());

const routesOf = (name: FunctionName) => routes.filter((route) => route.function === name);
/** Functions that answer HTTP: those routes lead to, and the fallback. The rest consume events. */
const httpFunctions = (Object.keys(functions) as FunctionName[]).filter(
  (name) => name === fallbackFunction || routesOf(name).length > 0,
);
const authenticatedRoutes = routes.filter((route) => needsToken(route));
/** A concrete path of a route: each `{name}` segment filled in. */
const pathOf = (pattern: string) => pattern.replace(/\{[^}]+\}/g, 'bob');

describe('which routes need a token, as the wiring declares it', () => {
  it('given the wiring, then the fallback is an HTTP function that no route leads to, and public', () => {
    expect(httpFunctions).toContain(fallbackFunction);
    expect(routesOf(fallbackFunction)).toEqual([]);
    expect(httpAccessOf(fallbackFunction).access).toBe('public');
  });

  it.each(httpFunctions)('given %s, then all its routes agree on whether a token is needed', (name) => {
    expect(new Set(routesOf(name).map((route) => needsToken(route))).size).toBeLessThanOrEqual(1);
    expect(() => httpAccessOf(name)).not.toThrow();
  });

  it('given a function that consumes events, when its HTTP access is asked for, then it is refused: no route leads to it', () => {
    expect(() => httpAccessOf('writeFeeds')).toThrow(/no route leads to writeFeeds/);
  });

  it('given the versioned API, then every route of it needs a token but the public listing of a user', () => {
    const versioned = routes.filter((route) => /^\/v1(\.0)?\//.test(route.path));

    expect(versioned.length).toBeGreaterThan(0);
    expect(versioned.filter((route) => !needsToken(route)).map((route) => route.function)).toEqual([
      'listPublicLinks',
      'listPublicLinks',
    ]);
  });
});

describe('which requests may change state, as the wiring declares it', () => {
  it('given GET /logout, then it changes state as a POST does, and is not read-only', () => {
    expect(changesState('GET /logout', 'GET')).toBe(true);
    expect(readsOnly('GET /logout', {})).toBe(false);
  });

  it('given any other GET or HEAD, then it changes nothing; given any other method, then it may', () => {
    expect(
      routes.filter((route) => route.method === 'GET' && changesState(`GET ${route.path}`, 'GET')),
    ).toEqual([expect.objectContaining({ path: '/logout' })]);
    expect(changesState('GET /v1/links', 'HEAD')).toBe(false);
    expect(changesState('POST /v1/links', 'POST')).toBe(true);
    expect(changesState('$default', 'DELETE')).toBe(true);
    expect(changesState('$default', 'GET')).toBe(false);
  });
});

describe('HEAD beside GET', () => {
  it('given the GET routes, then each answers HEAD as well, with the same facts, but GET /logout, which changes state', () => {
    const withoutHead = routes.filter(
      (route) => route.method === 'GET' && !methodsOf(route).includes('HEAD'),
    );

    expect(withoutHead.map((route) => route.path)).toEqual(['/logout']);
    expect(routes.filter((route) => route.method !== 'GET' && methodsOf(route).includes('HEAD'))).toEqual([]);
    expect(readsOnly('HEAD /v1/links', {})).toBe(true);
    expect(readsOnly('HEAD /v1/links', { q: 'x' })).toBe(false);
    expect(readsOnly('HEAD /v1/export', {})).toBe(false);
  });
});

describe('which routes only read, as the wiring declares it', () => {
  const keyOf = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

  it('given the wiring, then only GET routes declare whether they are read-only, and no other method reads only', () => {
    expect(routes.filter((route) => route.readOnly !== undefined && route.method !== 'GET')).toEqual([]);
    expect(routes.filter((route) => route.method !== 'GET' && readsOnly(keyOf(route), {}))).toEqual([]);
  });

  it('given the GET routes, then all are read-only but those whose work writes or reads much', () => {
    const notReadOnly = routes.filter((route) => route.method === 'GET' && !readsOnly(keyOf(route), {}));

    expect([...new Set(notReadOnly.map((route) => route.function))].sort()).toEqual([
      'exportLinks',
      'getNews',
      'getSnapshot',
      'login',
      'loginCallback',
      'logout',
      'newsFeed',
    ]);
  });

  it('given the listing of links, then it is read-only without `q` only: a search may ask for its index to be rebuilt', () => {
    expect(readsOnly('GET /v1/links', { limit: '10', tag: 'web' })).toBe(true);
    expect(readsOnly('GET /v1.0/links', {})).toBe(true);
    expect(readsOnly('GET /v1/links', { q: 'rust' })).toBe(false);
    expect(readsOnly('GET /v1/links', { q: '' })).toBe(false);
  });

  it('given a request that no route declares (the fallback), then it is not read-only', () => {
    expect(readsOnly('$default', {})).toBe(false);
    expect(readsOnly('GET /no/such/route', {})).toBe(false);
  });
});

describe('the gate, on routes that need a token', () => {
  it.each(authenticatedRoutes.map((route) => [route.method, route.path, route.function] as const))(
    'given no token, when %s %s is called, then 401 with WWW-Authenticate: Bearer, no session looked up, and only the client IP counted',
    async (method, path, name) => {
      const handler = await importHandler(functions[name].entry);

      const answer = await call(handler, {
        method,
        path: pathOf(path),
        routeKey: `${method} ${path}`,
        body: {},
      });

      expectError(answer, 401, 'unauthorized');
      expect(answer.headers['www-authenticate']).toBe('Bearer');
      expect(services.sessions.lookups).toEqual([]);
      expect([...services.rates.tats.keys()]).toEqual([rateKeyForIp('127.0.0.1')]);
    },
  );
});

describe('the gate, on public functions', () => {
  it.each(httpFunctions.filter((name) => httpAccessOf(name).access === 'public'))(
    'given %s, which is public, when called without a token, then it does not answer 401',
    async (name) => {
      const handler = await importHandler(functions[name].entry);
      const reached =
        routesOf(name).length > 0 ? routesOf(name) : [{ method: 'GET', path: '/no/such/route' }];

      for (const route of reached) {
        const answer = await call(handler, { method: route.method, path: pathOf(route.path) });
        expect(answer.status, `${route.method} ${route.path}`).not.toBe(401);
        expect(answer.status, `${route.method} ${route.path}`).toBeLessThan(500);
      }
    },
  );
});
