import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { rateKeyForToken } from '../../../shared/http/rate-limit.ts';
import { rateKey } from '../../../shared/http/rate-limit-store.ts';
import { userKey, userToItem } from '../../../shared/users/dynamodb.ts';
import { aUser } from '../../support/builders.ts';
import { conditionFailed, givenNothingElse, givenSession } from '../support/dynamo.ts';
import { call, expectError, importHandler, stubFunctionEnvironment, TABLES } from '../support/http.ts';

const TOKEN = 'dlk_alices-profile-test-token';
const SOCIAL = 'social-table';
const dynamo = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  dynamo.reset();
  givenNothingElse(dynamo);
  givenSession(dynamo, TOKEN, { username: 'alice' });
});
afterEach(() => vi.unstubAllEnvs());
afterAll(() => dynamo.restore());

async function coldStart(entry: string, env: Record<string, string> = { SOCIAL_TABLE: SOCIAL }) {
  vi.resetModules();
  stubFunctionEnvironment(env);
  return importHandler(entry);
}

/** Given a stored user with links and follows, as the three contexts' tables hold them. */
function givenUser(
  username: string,
  counts: { links: number; publicLinks?: number; followers: number; following: number },
) {
  const user = aUser({ username, name: username.toUpperCase(), email: `${username}@example.com` });
  dynamo
    .on(GetCommand, { TableName: TABLES.users, Key: userKey(username) })
    .resolves({ Item: userToItem(user) });
  dynamo
    .on(GetCommand, { TableName: TABLES.links, Key: { pk: `USER#${username}`, sk: 'COUNTERS' } })
    .resolves({
      Item: { links_count: counts.links, public_links_count: counts.publicLinks ?? counts.links },
    });
  dynamo
    .on(GetCommand, { TableName: SOCIAL, Key: { pk: `USER#${username}`, sk: 'COUNTERS' } })
    .resolves({ Item: { followers_count: counts.followers, following_count: counts.following } });
  return user;
}

const get = (handler: HttpHandler, path: string, token = TOKEN) =>
  call(handler, { method: 'GET', path, headers: { authorization: `Bearer ${token}` } });

const getUserNamed = (handler: HttpHandler, username: string) =>
  call(handler, {
    method: 'GET',
    path: `/v1/users/${username}`,
    routeKey: 'GET /v1/users/{username}',
    pathParameters: { username },
    headers: { authorization: `Bearer ${TOKEN}` },
  });

describe('GET /v1/me', () => {
  it("given alice with links and follows, then her profile with her email and the three contexts' counts", async () => {
    const alice = givenUser('alice', { links: 3, followers: 2, following: 5 });
    const me = await coldStart('users/me');

    const answer = await get(me, '/v1/me');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      username: 'alice',
      name: 'ALICE',
      email: 'alice@example.com',
      avatar_url: null,
      created_at: alice.createdAt,
      followers_count: 2,
      following_count: 5,
      links_count: 3,
    });
  });

  it('given a function without a social table, then the follow counts are 0 and the social table is not read', async () => {
    givenUser('alice', { links: 1, followers: 9, following: 9 });
    const me = await coldStart('users/me', {});

    const answer = await get(me, '/v1/me');

    expect(answer.body).toMatchObject({ followers_count: 0, following_count: 0, links_count: 1 });
    expect(dynamo.commandCalls(GetCommand).map((c) => c.args[0].input.TableName)).not.toContain(SOCIAL);
  });
});

describe('GET /v1/users/{username}', () => {
  it('given bob, then his public profile with the counts and without his email', async () => {
    givenUser('bob', { links: 0, followers: 1, following: 0 });
    const getUser = await coldStart('users/get-user');

    const answer = await getUserNamed(getUser, 'bob');

    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({
      username: 'bob',
      followers_count: 1,
      following_count: 0,
      links_count: 0,
    });
    expect(answer.body).not.toHaveProperty('email');
  });

  it('given bob with 3 links of which 1 is private, then his public profile counts 2 and his own profile 3', async () => {
    givenUser('bob', { links: 3, publicLinks: 2, followers: 0, following: 0 });
    const getUser = await coldStart('users/get-user');
    const me = await coldStart('users/me');

    expect((await getUserNamed(getUser, 'bob')).body).toMatchObject({ links_count: 2 });
    givenSession(dynamo, TOKEN, { username: 'bob' });
    expect((await get(me, '/v1/me')).body).toMatchObject({ username: 'bob', links_count: 3 });
  });

  it('given a name in another case, then it is the same user (usernames are lower-cased)', async () => {
    givenUser('bob', { links: 0, followers: 0, following: 0 });
    const getUser = await coldStart('users/get-user');

    expect((await getUserNamed(getUser, 'Bob')).body).toMatchObject({ username: 'bob' });
  });

  it('given nobody of that name, then 404 not_found', async () => {
    const getUser = await coldStart('users/get-user');

    expectError(await getUserNamed(getUser, 'nobody'), 404, 'not_found');
  });

  it('given a name that cannot be a username, then 400 naming the username', async () => {
    const getUser = await coldStart('users/get-user');

    const body = expectError(await getUserNamed(getUser, '-bad_name'), 400, 'invalid_request');

    expect(body.error.details).toHaveProperty('username');
  });
});

describe('the per-token rate limit of authenticated routes', () => {
  it('given a valid token, then one conditional update counts the request under a hash of the token', async () => {
    givenUser('alice', { links: 0, followers: 0, following: 0 });
    const me = await coldStart('users/me');

    await get(me, '/v1/me');

    const limits = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(limits).toHaveLength(1);
    expect(limits[0]).toMatchObject({ TableName: TABLES.users, Key: rateKey(rateKeyForToken(TOKEN)) });
    expect(JSON.stringify(dynamo.calls().map((c) => c.args[0].input))).not.toContain(TOKEN);
  });

  it('given a token over its limit, then 429 rate_limited with Retry-After, and the route does not run', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed({ tat: (Date.now() + 30_000) * 1000 }));
    const me = await coldStart('users/me');

    const answer = await get(me, '/v1/me');

    expectError(answer, 429, 'rate_limited');
    expect(answer.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(dynamo.commandCalls(GetCommand).map((c) => c.args[0].input.TableName)).toEqual([TABLES.users]);
  });

  it('given a token nobody issued, then 401, counted against the client IP and never against the token', async () => {
    const me = await coldStart('users/me');

    expectError(await get(me, '/v1/me', 'dlk_made-up'), 401, 'unauthorized');

    const rateKeys = dynamo.commandCalls(UpdateCommand).map((call) => String(call.args[0].input.Key?.pk));
    expect(rateKeys).not.toContain(`RATE#${rateKeyForToken('dlk_made-up')}`);
    expect(rateKeys.every((key) => key.startsWith('RATE#'))).toBe(true);
  });
});
