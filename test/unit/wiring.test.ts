import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fallbackFunction, functions, routes, type FunctionName } from '../../shared/wiring.ts';
import { call, importHandler, stubFunctionEnvironment } from './support/http.ts';

/**
 * The wiring says which routes need a token; the handlers decide for themselves. They must agree: a function
 * answers a caller without a token with 401 exactly when every route that leads to it needs one.
 */

const dynamo = mockClient(DynamoDBDocumentClient);

beforeAll(() => stubFunctionEnvironment({ LOCAL_RUNTIME: 'true' }));
afterAll(() => {
  dynamo.restore();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [] });
});

const routesOf = (name: FunctionName) => routes.filter((route) => route.function === name);
/** Functions that answer HTTP: those routes lead to, and the fallback. The rest consume events. */
const names = (Object.keys(functions) as FunctionName[]).filter(
  (name) => name === fallbackFunction || routesOf(name).length > 0,
);
/** The fallback has no route of its own: it answers whatever matched none. */
const needsToken = (name: FunctionName) => routesOf(name).length > 0 && routesOf(name).every((r) => r.auth);

describe('the wiring and the handlers agree on who needs a token', () => {
  it('given the wiring, then the fallback is an HTTP function that no route leads to', () => {
    expect(names).toContain(fallbackFunction);
    expect(routesOf(fallbackFunction)).toEqual([]);
  });

  it.each(names)('given %s, then all its routes agree on whether a token is needed', (name) => {
    expect(new Set(routesOf(name).map((route) => route.auth)).size).toBeLessThanOrEqual(1);
  });

  it.each(names.filter(needsToken))(
    'given %s, whose routes all need a token, when called without one on each route, then 401, with no session looked up and nothing but the client IP counted',
    async (name) => {
      const handler = await importHandler(functions[name].entry);

      for (const route of routesOf(name)) {
        const answer = await call(handler, { method: route.method, path: route.path, body: {} });
        expect(answer.status, `${route.method} ${route.path}`).toBe(401);
        expect(answer.headers['www-authenticate']).toBe('Bearer');
      }
      expect(dynamo.calls()).toHaveLength(dynamo.commandCalls(UpdateCommand).length);
      const counted = dynamo.commandCalls(UpdateCommand).map((call) => String(call.args[0].input.Key?.pk));
      expect(counted.every((key) => key.startsWith('RATE#'))).toBe(true);
    },
  );

  it.each(names.filter((name) => !needsToken(name)))(
    'given %s, which is public, when called without a token, then it does not answer 401',
    async (name) => {
      const handler = await importHandler(functions[name].entry);
      const reached =
        routesOf(name).length > 0 ? routesOf(name) : [{ method: 'GET', path: '/no/such/route' }];

      for (const route of reached) {
        const answer = await call(handler, { method: route.method, path: route.path });
        expect(answer.status, `${route.method} ${route.path}`).not.toBe(401);
        expect(answer.status, `${route.method} ${route.path}`).toBeLessThan(500);
      }
    },
  );
});
