import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { rateKeyForIp, rateKeyForUser } from '../../../shared/http/rate-limit.ts';
import { aLink, aUser } from '../../support/builders.ts';
import { call, expectError, importHandler, stubFunctionEnvironment } from '../support/http.ts';
import { useInMemoryServices } from '../support/services.ts';

const TOKEN = 'dlk_alices-profile-test-token';
const services = useInMemoryServices();
let me: HttpHandler;
let getUser: HttpHandler;

beforeAll(async () => {
  stubFunctionEnvironment();
  me = await importHandler('users/me');
  getUser = await importHandler('users/get-user');
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  services.givenSession(TOKEN, { username: 'alice' });
});

/** Given a stored user with links and follows, as the three contexts hold them. */
async function givenUser(
  username: string,
  counts: { links: number; privateLinks?: number; followers: number; following: number },
) {
  const user = aUser({ username, name: username.toUpperCase(), email: `${username}@example.com` });
  await services.users.createIfAbsent(user);
  for (let i = 0; i < counts.links; i++) {
    const link = aLink({
      username,
      url: `https://example.com/${i}`,
      private: i < (counts.privateLinks ?? 0),
    });
    await services.links.insert(link, 100);
  }
  services.followCounts.set(username, { followers: counts.followers, following: counts.following });
  return user;
}

const get = (handler: HttpHandler, path: string, token = TOKEN) =>
  call(handler, { method: 'GET', path, headers: { authorization: `Bearer ${token}` } });

const getUserNamed = (username: string) =>
  call(getUser, {
    method: 'GET',
    path: `/v1/users/${username}`,
    routeKey: 'GET /v1/users/{username}',
    pathParameters: { username },
    headers: { authorization: `Bearer ${TOKEN}` },
  });

describe('GET /v1/me', () => {
  it("given alice with links and follows, then her profile with her email and the three contexts' counts", async () => {
    const alice = await givenUser('alice', { links: 3, followers: 2, following: 5 });

    const answer = await get(me, '/v1/me');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      username: 'alice',
      name: 'ALICE',
      email: 'alice@example.com',
      avatar_url: null,
      created_at: alice.created_at,
      followers_count: 2,
      following_count: 5,
      links_count: 3,
    });
  });
});

describe('GET /v1/users/{username}', () => {
  it('given bob, then his public profile with the counts and without his email', async () => {
    await givenUser('bob', { links: 0, followers: 1, following: 0 });

    const answer = await getUserNamed('bob');

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
    await givenUser('bob', { links: 3, privateLinks: 1, followers: 0, following: 0 });

    expect((await getUserNamed('bob')).body).toMatchObject({ links_count: 2 });
    services.givenSession(TOKEN, { username: 'bob' });
    expect((await get(me, '/v1/me')).body).toMatchObject({ username: 'bob', links_count: 3 });
  });

  it('given a name in another case, then it is the same user (usernames are lower-cased)', async () => {
    await givenUser('bob', { links: 0, followers: 0, following: 0 });

    expect((await getUserNamed('Bob')).body).toMatchObject({ username: 'bob' });
  });

  it('given nobody of that name, then 404 not_found', async () => {
    expectError(await getUserNamed('nobody'), 404, 'not_found');
  });

  it('given a name that cannot be a username, then 400 naming the username', async () => {
    const body = expectError(await getUserNamed('-bad_name'), 400, 'invalid_request');

    expect(body.error.details).toHaveProperty('username');
  });
});

describe('the per-user rate limit of authenticated routes', () => {
  it("given a valid token, then one write counts the request under a hash of the token's user", async () => {
    await givenUser('alice', { links: 0, followers: 0, following: 0 });

    await get(me, '/v1/me');

    expect(services.rates.writes).toBe(1);
    expect([...services.rates.tats.keys()]).toEqual([rateKeyForUser('alice')]);
    expect([...services.rates.tats.keys()].join()).not.toContain(TOKEN);
  });

  it('given a token over its limit, then 429 rate_limited with Retry-After, and the route does not run', async () => {
    services.rates.tats.set(rateKeyForUser('alice'), (services.now + 30_000) * 1000);
    const profileReads = vi.spyOn(services.users, 'get');

    const answer = await get(me, '/v1/me');

    expectError(answer, 429, 'rate_limited');
    expect(answer.headers['retry-after']).toBe('24');
    expect(profileReads).not.toHaveBeenCalled();
  });

  it('given a token nobody issued, then 401, counted against the client IP and never against the token', async () => {
    expectError(await get(me, '/v1/me', 'dlk_made-up'), 401, 'unauthorized');

    expect([...services.rates.tats.keys()]).toEqual([rateKeyForIp('127.0.0.1')]);
  });
});
