import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { ApiClient, startTestRuntime } from '../support/runtime.ts';
import { aUsername, expectError, expectJson, TIMESTAMP } from './helpers.ts';

/** GET /v1/me and GET /v1/users/{username}: profiles with the counts that the links and social contexts keep. */

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(() => runtime?.stop());

interface ProfileBody {
  username: string;
  name: string;
  email?: string | null;
  avatar_url: string | null;
  created_at: string;
  followers_count: number;
  following_count: number;
  links_count: number;
}

const usernames = new Map<ApiClient, string>();
const nameOf = (client: ApiClient) => usernames.get(client)!;

/** A user of this file alone, logged in (POST /dev/login). */
async function aUser(base: string): Promise<ApiClient> {
  const username = aUsername(base);
  const client = await ApiClient.loggedIn(runtime.url, username);
  usernames.set(client, username);
  return client;
}

describe('GET /v1/me', () => {
  it('given a new user, then her profile with every field of the contract and zero counts', async () => {
    const alice = await aUser('alice');

    const body = expectJson<ProfileBody>(await alice.get('/v1/me'), 200);

    expect(body).toEqual({
      username: nameOf(alice),
      name: nameOf(alice),
      email: null,
      avatar_url: null,
      created_at: expect.stringMatching(TIMESTAMP),
      followers_count: 0,
      following_count: 0,
      links_count: 0,
    });
  });

  it('given a user who added three links and deleted one, then links_count is 2, at once', async () => {
    const bob = await aUser('bob');
    for (const url of ['https://a.example/', 'https://b.example/', 'https://c.example/']) {
      expect((await bob.post('/v1/links', { url })).status).toBe(201);
    }
    expect((await bob.delete(`/v1/links?url=${encodeURIComponent('https://b.example/')}`)).status).toBe(204);

    expect(expectJson<ProfileBody>(await bob.get('/v1/me'), 200).links_count).toBe(2);
  });

  it('given the original clients, then /v1.0/me with the Access-Token header works too', async () => {
    const carol = await aUser('carol');

    const answer = await carol.get('/v1.0/me', { 'access-token': carol.token! });

    expect(expectJson<ProfileBody>(answer, 200).username).toBe(nameOf(carol));
  });

  it('given no token, then 401', async () => {
    expectError(await new ApiClient(runtime.url).get('/v1/me'), 401, 'unauthorized');
  });
});

describe('GET /v1/users/{username}', () => {
  it('given another user, then his public profile: the same fields but the email', async () => {
    const dave = await aUser('dave');
    const erin = await aUser('erin');
    await erin.post('/v1/links', { url: 'https://erin.example/' });

    const body = expectJson<ProfileBody>(await dave.get(`/v1/users/${nameOf(erin)}`), 200);

    expect(body).toEqual({
      username: nameOf(erin),
      name: nameOf(erin),
      avatar_url: null,
      created_at: expect.stringMatching(TIMESTAMP),
      followers_count: 0,
      following_count: 0,
      links_count: 1,
    });
  });

  it('given alice with 2 public links and 1 private, then bob sees 2 and alice 3; flipping, adding and deleting private ones keeps both right', async () => {
    const alice = await aUser('alice');
    const bob = await aUser('bob');
    for (const link of [
      { url: 'https://one.example/' },
      { url: 'https://two.example/' },
      { url: 'https://secret.example/', private: true },
    ]) {
      expect((await alice.post('/v1/links', link)).status).toBe(201);
    }
    const counts = async () => ({
      seenByBob: expectJson<ProfileBody>(await bob.get(`/v1/users/${nameOf(alice)}`), 200).links_count,
      seenByAlice: expectJson<ProfileBody>(await alice.get('/v1/me'), 200).links_count,
    });
    expect(await counts()).toEqual({ seenByBob: 2, seenByAlice: 3 });

    expect((await alice.put('/v1/links', { url: 'https://one.example/', private: true })).status).toBe(200);
    expect(await counts()).toEqual({ seenByBob: 1, seenByAlice: 3 });

    expect((await alice.put('/v1/links', { url: 'https://secret.example/', private: false })).status).toBe(
      200,
    );
    expect(await counts()).toEqual({ seenByBob: 2, seenByAlice: 3 });

    expect((await alice.delete(`/v1/links?url=${encodeURIComponent('https://one.example/')}`)).status).toBe(
      204,
    );
    expect((await alice.delete(`/v1/links?url=${encodeURIComponent('https://two.example/')}`)).status).toBe(
      204,
    );
    expect(await counts()).toEqual({ seenByBob: 1, seenByAlice: 1 });
  });

  it('given a name in upper case, then the same user, under /v1.0 too', async () => {
    const frank = await aUser('frank');

    const answer = await frank.get(`/v1.0/users/${nameOf(frank).toUpperCase()}`);

    expect(expectJson<ProfileBody>(answer, 200).username).toBe(nameOf(frank));
  });

  it('given nobody of that name, then 404 not_found', async () => {
    const grace = await aUser('grace');

    expectError(await grace.get('/v1/users/nobody-here'), 404, 'not_found');
  });

  it('given a name that cannot be a username, then 400 naming the username', async () => {
    const heidi = await aUser('heidi');

    const body = expectError(await heidi.get('/v1/users/not_a_login'), 400, 'invalid_request');

    expect(body.error.details).toHaveProperty('username');
  });
});

describe('follow counts, from the social context', () => {
  it('given jack follows john, then followers(john) = 1, following(john) = 0, followers(jack) = 0, following(jack) = 1', async () => {
    const jack = await aUser('jack');
    const john = await aUser('john');

    expect((await jack.post('/v1/following', { username: nameOf(john) })).status).toBe(201);

    expect(expectJson<ProfileBody>(await jack.get(`/v1/users/${nameOf(john)}`), 200)).toMatchObject({
      followers_count: 1,
      following_count: 0,
    });
    expect(expectJson<ProfileBody>(await jack.get('/v1/me'), 200)).toMatchObject({
      followers_count: 0,
      following_count: 1,
    });
  });
});
