import { DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { sessionKey } from '../../../shared/users/dynamodb.ts';
import { hashToken } from '../../../shared/users/sessions.ts';
import { givenNothingElse, givenSession } from '../support/dynamo.ts';
import { call, expectError, stubFunctionEnvironment, TABLES } from '../support/http.ts';

const TOKEN = 'dlk_alices-unit-test-token';
const dynamo = mockClient(DynamoDBDocumentClient);
let listTags: HttpHandler;
let logout: HttpHandler;

beforeAll(async () => {
  stubFunctionEnvironment();
  ({ handler: listTags } = await import('../../../functions/links/list-tags.ts'));
  ({ handler: logout } = await import('../../../functions/users/logout.ts'));
});
afterAll(() => {
  dynamo.restore();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  dynamo.reset();
  givenNothingElse(dynamo);
  dynamo.on(QueryCommand).resolves({ Items: [{ tags: ['go'] }] });
});

const getTags = (headers: Record<string, string> = {}) =>
  call(listTags, { method: 'GET', path: '/v1/tags', headers });

describe('authenticating a caller', () => {
  it('given no token, when a route that needs one is called, then 401 unauthorized with WWW-Authenticate: Bearer, and no session lookup', async () => {
    const answer = await getTags();

    const body = expectError(answer, 401, 'unauthorized');
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('given a token nobody issued, when it is presented, then 401', async () => {
    const answer = await getTags({ authorization: 'Bearer dlk_made-up' });

    expectError(answer, 401, 'unauthorized');
    expect(answer.headers['www-authenticate']).toBe('Bearer');
  });

  it('given a session that expired a second ago, when its token is presented, then 401', async () => {
    givenSession(dynamo, TOKEN, { expiresAt: new Date(Date.now() - 1000).toISOString() });

    expectError(await getTags({ authorization: `Bearer ${TOKEN}` }), 401, 'unauthorized');
  });

  it('given a live session, when its token comes as Authorization: Bearer, then the route answers, looking the session up by hash', async () => {
    givenSession(dynamo, TOKEN);

    const answer = await getTags({ authorization: `Bearer ${TOKEN}` });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ tags: [{ name: 'go', count: 1 }] });
    const lookup = dynamo.commandCalls(GetCommand)[0]!.args[0].input;
    expect(lookup).toMatchObject({ TableName: TABLES.users, Key: sessionKey(hashToken(TOKEN)) });
    expect(JSON.stringify(dynamo.calls().map((c) => c.args[0].input))).not.toContain(TOKEN);
  });

  it("given a live session, when its token comes as the original clients' Access-Token header, then the route answers", async () => {
    givenSession(dynamo, TOKEN);

    expect((await getTags({ 'Access-Token': TOKEN })).status).toBe(200);
  });

  it('given a live session, when the scheme is written "bearer" in lower case, then the route answers', async () => {
    givenSession(dynamo, TOKEN);

    expect((await getTags({ Authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });

  it('given a live session, when the token comes under another scheme (Basic), then 401', async () => {
    givenSession(dynamo, TOKEN);

    expectError(await getTags({ authorization: `Basic ${TOKEN}` }), 401, 'unauthorized');
  });
});

describe('POST /logout', () => {
  it('given a live session, when its owner logs out, then 204 and the session is deleted by the hash of the token', async () => {
    givenSession(dynamo, TOKEN);
    dynamo.on(DeleteCommand).resolves({});

    const answer = await call(logout, { method: 'POST', path: '/logout', token: TOKEN });

    expect(answer.status).toBe(204);
    expect(answer.text).toBeUndefined();
    const deletes = dynamo.commandCalls(DeleteCommand);
    expect(deletes).toHaveLength(1);
    expect(deletes[0]!.args[0].input).toEqual({ TableName: TABLES.users, Key: sessionKey(hashToken(TOKEN)) });
  });

  it('given no token, when logout is called, then 401 and nothing is deleted', async () => {
    expectError(await call(logout, { method: 'POST', path: '/logout' }), 401, 'unauthorized');
    expect(dynamo.commandCalls(DeleteCommand)).toHaveLength(0);
  });
});
