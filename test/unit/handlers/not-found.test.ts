import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { hashToken } from '../../../shared/users/sessions.ts';
import { functions, routes } from '../../../shared/wiring.ts';
import { call, expectError, importHandler, stubFunctionEnvironment } from '../support/http.ts';
import { useInMemoryServices } from '../support/services.ts';

const services = useInMemoryServices();
afterEach(() => vi.unstubAllEnvs());

/** A fresh module instance per environment: configuration is read once per cold start. */
async function coldStart(entry: string, localRuntime: boolean): Promise<HttpHandler> {
  vi.resetModules();
  stubFunctionEnvironment({ LOCAL_RUNTIME: String(localRuntime) });
  const handler = await importHandler(entry);
  await services.reinstall();
  return handler;
}

describe('requests that match no route, on a deployed stack', () => {
  let notFound: HttpHandler;
  beforeEach(async () => {
    notFound = await coldStart('ops/not-found', false);
  });

  it('given a path nothing serves, when it is requested, then 404 not_found and no Allow header', async () => {
    const answer = await call(notFound, { method: 'GET', path: '/v1/nothing-here' });

    expectError(answer, 404, 'not_found');
    expect(answer.headers).not.toHaveProperty('allow');
  });

  it.each([
    ['POST', '/v1/tags', 'GET, HEAD'],
    ['POST', '/v1.0/tags', 'GET, HEAD'],
    ['DELETE', '/healthz', 'GET, HEAD'],
    ['PATCH', '/logout', 'POST, GET'],
    ['OPTIONS', '/v1/links', 'GET, HEAD, POST, PUT, PATCH, DELETE'],
  ])(
    'given %s on %s, a path that exists, then 405 method_not_allowed with Allow: %s',
    async (method, path, allow) => {
      const answer = await call(notFound, { method, path });

      expectError(answer, 405, 'method_not_allowed');
      expect(answer.headers['allow']).toBe(allow);
    },
  );

  it('given HEAD on /logout, whose GET changes state, then 405 with Allow: POST, GET, and no body, as for any HEAD', async () => {
    const answer = await call(notFound, { method: 'HEAD', path: '/logout' });

    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('POST, GET');
    expect(answer.text).toBeUndefined();
  });

  it('given GET /dev/login, when the stack is deployed, then 404: the route does not exist there', async () => {
    expectError(await call(notFound, { method: 'GET', path: '/dev/login' }), 404, 'not_found');
  });
});

describe('requests that match no route, on the local runtime', () => {
  it('given GET /dev/login, when LOCAL_RUNTIME=true, then 405 with Allow: POST', async () => {
    const notFound = await coldStart('ops/not-found', true);

    const answer = await call(notFound, { method: 'GET', path: '/dev/login' });

    expectError(answer, 405, 'method_not_allowed');
    expect(answer.headers['allow']).toBe('POST');
  });
});

/** The routes of functions that the wiring declares local-only: none of them exists on a deployed stack. */
const localOnlyRoutes = routes.filter((route) => route.localOnly === true);

describe('local-only routes, on a deployed stack', () => {
  it('given the wiring, then it declares local-only routes (dev login and the re-check)', () => {
    expect(localOnlyRoutes.map((route) => route.function).sort()).toEqual(['devLogin', 'devRecheck']);
  });

  it.each(localOnlyRoutes.map((route) => [route.method, route.path, route.function] as const))(
    'given a live token, when %s %s is called, then 404 before anything is looked up or counted',
    async (method, path, name) => {
      const handler = await coldStart(functions[name].entry, false);
      services.givenSession('dlk_alices-unit-test-token');

      const answer = await call(handler, { method, path, token: 'dlk_alices-unit-test-token', body: {} });

      expectError(answer, 404, 'not_found');
      expect(services.sessions.lookups).toEqual([]);
      expect(services.rates.writes).toBe(0);
    },
  );
});

describe('POST /dev/login', () => {
  it('given a deployed stack, when someone asks for a token, then 404 and nothing is written', async () => {
    const devLogin = await coldStart('users/dev-login', false);

    const answer = await call(devLogin, { method: 'POST', path: '/dev/login', body: { username: 'alice' } });

    expectError(answer, 404, 'not_found');
    expect(services.users.profiles.size).toBe(0);
    expect(services.sessions.byHash.size).toBe(0);
    expect(services.rates.writes).toBe(0);
  });

  it('given the local runtime, when alice asks for a token, then 200 with a dlk_ bearer token, her user and her session stored', async () => {
    const devLogin = await coldStart('users/dev-login', true);

    const answer = await call<{ access_token: string; token_type: string; user: { username: string } }>(
      devLogin,
      { method: 'POST', path: '/dev/login', body: { username: 'Alice' } },
    );

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'bearer', user: { username: 'alice' } });
    expect(answer.body.access_token).toMatch(/^dlk_/);
    expect([...services.users.profiles.keys()]).toEqual(['alice']);
    expect([...services.sessions.byHash.values()]).toEqual([
      expect.objectContaining({ token_hash: hashToken(answer.body.access_token), username: 'alice' }),
    ]);
  });

  it('given the local runtime, when the username is not a GitHub login, then 400 naming the username', async () => {
    const devLogin = await coldStart('users/dev-login', true);

    const answer = await call(devLogin, { method: 'POST', path: '/dev/login', body: { username: '-nope' } });

    expect(expectError(answer, 400, 'invalid_request').error.details).toHaveProperty('username');
  });
});
