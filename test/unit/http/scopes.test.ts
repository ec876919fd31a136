import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { route, type HttpResponse } from '../../../shared/http/handler.ts';
import { rateKeyForUser } from '../../../shared/http/rate-limit.ts';
import {
  needsToken,
  routes,
  SCOPE_ORDER,
  type HttpFunctionName,
  type RouteDeclaration,
  type Scope,
} from '../../../shared/wiring.ts';
import { call, expectError, stubFunctionEnvironment } from '../support/http.ts';
import { useInMemoryServices } from '../support/services.ts';

/**
 * Scopes, as the wiring declares them on each route and the gate enforces them: every case below is derived from
 * the wiring's routes, so that a new route is covered the day it is declared. The gate runs in front of a stand-in
 * for the function, which records whether it ran: what is tested is the gate's decision alone.
 */

const services = useInMemoryServices();
beforeAll(() => stubFunctionEnvironment({ LOCAL_RUNTIME: 'true' }));
afterAll(() => vi.unstubAllEnvs());

const TOKEN = 'dlk_a-token-of-some-scope';
/** The contract's order, written out here rather than read from the code under test. */
const RANK: Record<Scope, number> = { feed: 0, read: 1, write: 2, session: 3 };
const authenticated = routes.filter(needsToken) as (RouteDeclaration & { access: Scope })[];
const pathOf = (pattern: string) => pattern.replace(/\{[^}]+\}/g, 'bob');

describe('every authenticated route declares the least scope it needs', () => {
  it('given the wiring, then every route that needs a token names one of the scopes', () => {
    expect(authenticated.length).toBeGreaterThan(0);
    for (const declared of authenticated) expect(SCOPE_ORDER).toContain(declared.access);
  });

  it('given the wiring, then no GET route needs write or a session, except the listing of tokens', () => {
    const strict = authenticated.filter(
      (declared) => declared.method === 'GET' && RANK[declared.access] >= RANK.write,
    );

    expect(strict.map((declared) => declared.function)).toEqual(['listTokens', 'listTokens']);
  });

  it('given the wiring, then every route that changes something needs write, except logging out, which any token may', () => {
    const lenient = authenticated.filter(
      (declared) => declared.method !== 'GET' && RANK[declared.access] < RANK.write,
    );

    expect(lenient.map((declared) => `${declared.method} ${declared.path}`)).toEqual(['POST /logout']);
  });

  it('given the wiring, then the news feed is what a feed token may read, and managing tokens needs a session', () => {
    const access = (fn: string) => new Set(routes.filter((r) => r.function === fn).map((r) => r.access));

    expect(access('getNews')).toEqual(new Set(['feed']));
    expect(access('logout')).toEqual(new Set(['feed']));
    for (const fn of ['createToken', 'listTokens', 'deleteToken'])
      expect(access(fn)).toEqual(new Set(['session']));
    const feedRoutes = authenticated.filter((declared) => declared.access === 'feed');
    expect(new Set(feedRoutes.map((declared) => declared.function))).toEqual(new Set(['getNews', 'logout']));
  });
});

const cases = authenticated.flatMap((declared) =>
  SCOPE_ORDER.map(
    (scope) => [scope, declared.method, declared.path, declared.access, declared.function] as const,
  ),
);

describe('the gate decides by the order feed < read < write < session', () => {
  it.each(cases)(
    'given a token of scope %s, when %s %s (needs %s) is called, then it runs iff its scope is at least that',
    async (scope, method, path, needed, name) => {
      services.givenSession(TOKEN, { scope, username: 'alice' });
      const ran = vi.fn(async (): Promise<HttpResponse> => ({ status: 204 }));
      const handler = route(name as HttpFunctionName, ran as never);

      const answer = await call(handler, {
        method,
        path: pathOf(path),
        routeKey: `${method} ${path}`,
        headers: { authorization: `Bearer ${TOKEN}` },
      });

      if (RANK[scope] >= RANK[needed]) {
        expect(answer.status).toBe(204);
        expect(ran).toHaveBeenCalledOnce();
      } else {
        const body = expectError(answer, 403, 'insufficient_scope');
        expect(body.error.details).toEqual({ scope, needed });
        expect(ran).not.toHaveBeenCalled();
      }
      // Allowed or not, the request counts against the user's one budget.
      expect([...services.rates.tats.keys()]).toEqual([rateKeyForUser('alice')]);
    },
  );
});
