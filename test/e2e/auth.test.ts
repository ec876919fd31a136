import { describe, expect, it } from 'vitest';
import { needsToken, routes } from '../../shared/wiring.ts';
import { RawApiClient, type ApiResponse } from '../support/runtime.ts';
import { TIMESTAMP, aUsername, expectError, expectJson, type LinkListing, useRuntime } from './helpers.ts';

/** 401 unauthorized with `WWW-Authenticate: Bearer`, local dev login, and logout revoking the token. */

const api = useRuntime();
const login = api.login;

function expectUnauthorized(response: ApiResponse<unknown>): void {
  expectError(response, 401, 'unauthorized');
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
}

/**
 * Every route that the wiring says needs a token, its `{name}` segments filled in. The gate answers before the
 * function validates anything, so one body serves every route that takes one.
 */
const protectedRequests: [method: string, path: string, body?: unknown][] = routes
  .filter((route) => needsToken(route))
  .map((route) => [
    route.method,
    route.path.replace(/\{[^}]+\}/g, 'bob'),
    route.method === 'GET' ? undefined : { url: 'https://golang.org/' },
  ]);

describe('401 unauthorized', () => {
  it('given the wiring, then the routes that need a token include the links API, logout and the re-check', () => {
    expect(protectedRequests.map(([method, path]) => `${method} ${path}`)).toEqual(
      expect.arrayContaining(['GET /v1/links', 'POST /v1.0/links', 'GET /logout', 'POST /dev/recheck']),
    );
  });

  it.each(protectedRequests)(
    'given no token, when %s %s is called, then 401 with WWW-Authenticate',
    async (method, path, body) => {
      const anonymous = new RawApiClient(api.url);

      expectUnauthorized(await anonymous.send(method, path, body));
    },
  );

  it.each(protectedRequests)(
    'given an unknown token, when %s %s is called, then 401',
    async (method, path, body) => {
      const stranger = new RawApiClient(api.url, 'dlk_thisTokenWasNeverIssuedByAnyoneAtAll0000000');

      expectUnauthorized(await stranger.send(method, path, body));
    },
  );

  it.each([
    ['a Basic scheme', { authorization: 'Basic YWxpY2U6c2VjcmV0' }],
    ['Bearer without a token', { authorization: 'Bearer' }],
    ['Bearer with two words', { authorization: 'Bearer two words' }],
    ['an empty Access-Token', { 'access-token': '' }],
    ['an unknown Access-Token', { 'access-token': 'dlk_unknown' }],
  ])('given %s, when links are listed, then 401', async (_case, headers) => {
    const anonymous = new RawApiClient(api.url);

    expectUnauthorized(await anonymous.get('/v1/links', headers));
  });

  it('given a token with a character changed, when links are listed, then 401', async () => {
    const alice = await login('alice');
    const token = alice.token!;
    const changed = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');

    expectUnauthorized(await new RawApiClient(api.url, changed).get('/v1/links'));
    expectJson(await alice.get('/v1/links'), 200);
  });

  it('given a request refused for want of a token, when it was an add, then nothing was stored', async () => {
    const alice = await login('alice');
    const anonymous = new RawApiClient(api.url);

    expectUnauthorized(await anonymous.post('/v1/links', { url: 'https://sneaky.example/' }));

    expect(expectJson<LinkListing>(await alice.get('/v1/links'), 200).links).toEqual([]);
  });
});

describe('dev login (local runtime only)', () => {
  it('given a username, when logging in, then a bearer token with an expiry and the user come back', async () => {
    const response = await new RawApiClient(api.url).post('/dev/login', { username: 'Dave-1' });

    const body = expectJson<{
      access_token: string;
      token_type: string;
      expires_at: string;
      user: { username: string };
    }>(response, 200);
    expect(body.token_type).toBe('bearer');
    expect(body.access_token.length).toBeGreaterThanOrEqual(43);
    expect(body.expires_at).toMatch(TIMESTAMP);
    expect(Date.parse(body.expires_at)).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    expect(body.user.username).toBe('dave-1');
  });

  it('given two logins of the same user, when each token is used, then both work and see the same links', async () => {
    const username = aUsername('erin');
    const first = await RawApiClient.loggedInRaw(api.url, username);
    const second = await RawApiClient.loggedInRaw(api.url, username);
    expect(second.token).not.toBe(first.token);

    expectJson(await first.post('/v1/links', { url: 'https://shared.example/' }), 201);

    const listing = expectJson<LinkListing>(await second.get('/v1/links'), 200);
    expect(listing.links.map((l) => l.url)).toEqual(['https://shared.example/']);
  });

  it.each([['-starts-with-hyphen'], ['has space'], ['x'.repeat(40)], ['']])(
    'given the invalid username %j, when logging in, then 400 names the username',
    async (username) => {
      const body = expectError(
        await new RawApiClient(api.url).post('/dev/login', { username }),
        400,
        'invalid_request',
      );

      expect(body.error.details).toHaveProperty('username');
    },
  );
});

describe('logout', () => {
  it('given a token, when POST /logout, then 204 and the same token gets 401 afterwards', async () => {
    const alice = await login('alice');
    expectJson(await alice.get('/v1/links'), 200);

    const out = await alice.post('/logout');

    expect(out.status).toBe(204);
    expect(out.body).toBe('');
    expect(out.headers.get('x-request-id')).toBeTruthy();
    expectUnauthorized(await alice.get('/v1/links'));
    expectUnauthorized(await alice.post('/v1/links', { url: 'https://golang.org/' }));
    expectUnauthorized(await alice.post('/logout'));
  });

  it('given a token whose instance holds requests claimed ahead (a few reads made), when the token logs out, then its very next read is 401', async () => {
    const alice = await login('alice');
    for (let i = 0; i < 3; i++) expectJson(await alice.get('/v1/tags'), 200);

    expect((await alice.post('/logout')).status).toBe(204);

    expectUnauthorized(await alice.get('/v1/tags'));
    expectUnauthorized(await alice.get('/v1/tags'));
  });

  it('given a token, when GET /logout (the original clients), then it is revoked too', async () => {
    const alice = await login('alice');

    const out = await alice.get('/logout');

    expect(out.status).toBe(204);
    expectUnauthorized(await alice.get('/v1/links'));
    expectUnauthorized(await alice.get('/v1/tags'));
  });

  it('given a token sent as Access-Token, when logging out with it, then that token is revoked', async () => {
    const alice = await login('alice');
    const headers = { 'access-token': alice.token! };

    expect((await alice.send('POST', '/logout', undefined, headers)).status).toBe(204);

    expectUnauthorized(await alice.get('/v1/links', headers));
  });

  it('given two tokens of one user, when one logs out, then only that one is revoked', async () => {
    const username = aUsername('frank');
    const laptop = await RawApiClient.loggedInRaw(api.url, username);
    const phone = await RawApiClient.loggedInRaw(api.url, username);
    expectJson(await phone.post('/v1/links', { url: 'https://kept.example/' }), 201);

    expect((await laptop.post('/logout')).status).toBe(204);

    expectUnauthorized(await laptop.get('/v1/links'));
    const listing = expectJson<LinkListing>(await phone.get('/v1/links'), 200);
    expect(listing.links.map((l) => l.url)).toEqual(['https://kept.example/']);
  });

  it('given a user logged out, when they log in again, then a new token works and their links are still there', async () => {
    const username = aUsername('grace');
    const before = await RawApiClient.loggedInRaw(api.url, username);
    expectJson(await before.post('/v1/links', { url: 'https://stays.example/' }), 201);
    expect((await before.get('/logout')).status).toBe(204);

    const after = await RawApiClient.loggedInRaw(api.url, username);

    const listing = expectJson<LinkListing>(await after.get('/v1/links'), 200);
    expect(listing.links.map((l) => l.url)).toEqual(['https://stays.example/']);
  });
});
