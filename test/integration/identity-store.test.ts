import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RateLimiter } from '../../shared/http/rate-limit.ts';
import { DynamoLinkCounts } from '../../shared/links/counts.ts';
import { DynamoLinkStore } from '../../shared/links/store.ts';
import {
  DynamoCredentialStore,
  DynamoIdentityStore,
  DynamoLoginStateStore,
  DynamoUserStore,
} from '../../shared/users/dynamodb.ts';
import { rateKeyForUser } from '../../shared/rate-keys.ts';
import { DynamoRateLimitStore, rateKey } from '../../shared/http/rate-limit-store.ts';
import { aGitHubIdentity, aLink, aSession, aUser } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/tables.ts';

let tables: TestTables;
let identities: DynamoIdentityStore;
let users: DynamoUserStore;
let states: DynamoLoginStateStore;
let rates: DynamoRateLimitStore;

beforeAll(async () => {
  tables = await createTestTables(inject('dynamoDbEndpoint'), 'identity');
  identities = new DynamoIdentityStore(tables.names.users, tables.db);
  users = new DynamoUserStore(tables.names.users, tables.db);
  states = new DynamoLoginStateStore(tables.names.users, tables.db);
  rates = new DynamoRateLimitStore(tables.names.users, tables.db);
});
afterAll(() => tables?.destroy());

describe('DynamoIdentityStore on DynamoDB Local', () => {
  it('given a new GitHub account, when registered, then the mapping and the profile exist, and the profile carries the GitHub id', async () => {
    const user = aUser({ username: 'reg-one', email: 'one@example.com' });

    const result = await identities.register(user, aGitHubIdentity({ id: 101, login: 'Reg-One' }));

    expect(result).toEqual({ outcome: 'registered', user });
    expect(await identities.usernameFor(101)).toBe('reg-one');
    expect(await users.get('reg-one')).toEqual(user);
    const { Item } = await tables.db.send(
      new GetCommand({ TableName: tables.names.users, Key: { pk: 'USER#reg-one', sk: 'PROFILE' } }),
    );
    expect(Item).toMatchObject({ github_id: 101, github_login: 'Reg-One' });
  });

  it('given a registered account, when it registers again, then identity_taken and nothing changes', async () => {
    const user = aUser({ username: 'reg-two' });
    await identities.register(user, aGitHubIdentity({ id: 102 }));

    const again = await identities.register(
      aUser({ username: 'reg-two', name: 'Other' }),
      aGitHubIdentity({ id: 102 }),
    );

    expect(again).toEqual({ outcome: 'identity_taken' });
    expect(await users.get('reg-two')).toEqual(user);
  });

  it('given a username held by another GitHub account, when a new account claims it, then username_taken and no mapping is left behind', async () => {
    await identities.register(aUser({ username: 'reg-three' }), aGitHubIdentity({ id: 103 }));

    const claim = await identities.register(aUser({ username: 'reg-three' }), aGitHubIdentity({ id: 104 }));

    expect(claim).toEqual({ outcome: 'username_taken' });
    expect(await identities.usernameFor(104)).toBeUndefined();
  });

  it('given a profile that /dev/login made, when its GitHub account registers, then it claims the profile and keeps created_at', async () => {
    await users.createIfAbsent(
      aUser({ username: 'reg-dev', name: 'reg-dev', created_at: '2026-01-01T00:00:00.000Z' }),
    );

    const result = await identities.register(
      aUser({ username: 'reg-dev', name: 'From GitHub', created_at: '2026-11-23T18:00:00.000Z' }),
      aGitHubIdentity({ id: 105 }),
    );

    expect(result).toMatchObject({
      outcome: 'registered',
      user: { username: 'reg-dev', name: 'From GitHub', created_at: '2026-01-01T00:00:00.000Z' },
    });
  });

  it('given 8 concurrent first logins of one account, then exactly one registers and the others see identity_taken', async () => {
    const identity = aGitHubIdentity({ id: 106 });

    const results = await Promise.all(
      Array.from({ length: 8 }, () => identities.register(aUser({ username: 'reg-race' }), identity)),
    );

    expect(results.filter((r) => r.outcome === 'registered')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'identity_taken')).toHaveLength(7);
  });

  it('given a registered account, when refreshed, then the GitHub fields change and created_at stays', async () => {
    const user = aUser({ username: 'reg-refresh' });
    await identities.register(user, aGitHubIdentity({ id: 107 }));

    const refreshed = await identities.refresh(
      'reg-refresh',
      aGitHubIdentity({ id: 107, login: 'Renamed' }),
      {
        name: 'New Name',
        email: 'new@example.com',
        avatar_url: null,
      },
    );

    expect(refreshed).toEqual({ ...user, name: 'New Name', email: 'new@example.com', avatar_url: null });
  });

  it('given a profile of another account, when refreshed with this one, then nothing changes', async () => {
    const user = aUser({ username: 'reg-other' });
    await identities.register(user, aGitHubIdentity({ id: 108 }));

    const refreshed = await identities.refresh('reg-other', aGitHubIdentity({ id: 109 }), {
      name: 'Hijack',
      email: null,
      avatar_url: null,
    });

    expect(refreshed).toBeUndefined();
    expect(await users.get('reg-other')).toEqual(user);
  });
});

describe('DynamoLoginStateStore on DynamoDB Local', () => {
  // Real times: DynamoDB Local's TTL deletes items whose expiry has passed, even in the middle of a test.
  const now = new Date();
  const inTenMinutes = new Date(now.getTime() + 10 * 60 * 1000).toISOString();

  it('given a saved state, when consumed, then true once, and false on every replay', async () => {
    await states.save('state-a', inTenMinutes);

    expect(await states.consume('state-a', now)).toBe(true);
    expect(await states.consume('state-a', now)).toBe(false);
  });

  it('given a state past its expiry (TTL not yet run), when consumed, then false', async () => {
    await states.save('state-b', inTenMinutes);

    expect(await states.consume('state-b', new Date(inTenMinutes))).toBe(false);
  });

  it('given a state never saved, when consumed, then false', async () => {
    expect(await states.consume('state-never', now)).toBe(false);
  });

  it('given two concurrent uses of one state, then exactly one succeeds', async () => {
    await states.save('state-c', inTenMinutes);

    const uses = await Promise.all([states.consume('state-c', now), states.consume('state-c', now)]);

    expect(uses.sort()).toEqual([false, true]);
  });
});

describe('DynamoRateLimitStore on DynamoDB Local (the conditions as DynamoDB evaluates them)', () => {
  const T = 100_000;
  const TOL = 300_000;
  /** An expiry an hour ahead: DynamoDB Local deletes items whose TTL has passed, even mid-test. */
  const LATER = Math.floor(Date.now() / 1000) + 3600;

  it('given a new key, when restarted, then applied; and when restarted again at the same instant, then refused with the stored tat', async () => {
    expect(await rates.restart('r1', 1_000_000, T, LATER)).toEqual({ applied: true, tat: 1_100_000 });

    expect(await rates.restart('r1', 1_000_000, T, LATER)).toEqual({ applied: false, tat: 1_100_000 });
  });

  it('given a key within its tolerance, when advanced, then tat grows by the interval until it passes now + tolerance', async () => {
    await rates.restart('r2', 1_000_000, T, LATER);

    expect(await rates.advance('r2', 1_000_000, T, TOL, LATER)).toEqual({ applied: true, tat: 1_200_000 });
    expect(await rates.advance('r2', 1_000_000, T, TOL, LATER)).toEqual({ applied: true, tat: 1_300_000 });
    expect(await rates.advance('r2', 1_000_000, T, TOL, LATER)).toEqual({ applied: true, tat: 1_400_000 });
    expect(await rates.advance('r2', 1_000_000, T, TOL, LATER)).toEqual({ applied: false, tat: 1_400_000 });
  });

  it('given no item, when advanced, then refused with no tat', async () => {
    expect(await rates.advance('r3', 1_000_000, T, TOL, LATER)).toEqual({ applied: false, tat: undefined });
  });

  it('given an idle key (tat in the past), when advanced, then refused; when restarted, then applied from now', async () => {
    await rates.restart('r4', 1_000_000, T, LATER);

    expect(await rates.advance('r4', 5_000_000, T, TOL, LATER)).toEqual({ applied: false, tat: 1_100_000 });
    expect(await rates.restart('r4', 5_000_000, T, LATER)).toEqual({ applied: true, tat: 5_100_000 });
  });

  it('given a limiter at 12/s and bursts of 80 and a client with a rate item, when 99 more requests come at one instant, then exactly 79 pass', async () => {
    // Frozen at the real time: an item whose TTL lies in the past would be deleted by DynamoDB Local mid-test.
    const fixedNow = Date.now();
    const limiter = new RateLimiter(rates, { perSecond: 12, burst: 80 }, () => fixedNow);
    expect(await limiter.check('r-burst')).toEqual({ allowed: true });

    const decisions = [];
    for (let i = 0; i < 99; i++) decisions.push(await limiter.check('r-burst'));

    expect(decisions.filter((d) => d.allowed)).toHaveLength(79);
    expect(decisions.filter((d) => !d.allowed)).toEqual(
      Array.from({ length: 20 }, () => ({ allowed: false, retryAfterSeconds: 1 })),
    );
  });

  it('given the same burst racing concurrently, then exactly 79 pass: no update is lost', async () => {
    // Frozen at the real time: an item whose TTL lies in the past would be deleted by DynamoDB Local mid-test.
    const fixedNow = Date.now();
    const limiter = new RateLimiter(rates, { perSecond: 12, burst: 80 }, () => fixedNow);
    expect(await limiter.check('r-race')).toEqual({ allowed: true });

    const decisions = await Promise.all(Array.from({ length: 99 }, () => limiter.check('r-race')));

    expect(decisions.filter((d) => d.allowed)).toHaveLength(79);
    expect(decisions.filter((d) => !d.allowed)).toEqual(
      Array.from({ length: 20 }, () => ({ allowed: false, retryAfterSeconds: 1 })),
    );
  });

  it("given a user's rate item, when its mark is read, then the mark the charge issued, then the one the end of a credential wrote, and none for a key without an item", async () => {
    const userKey = rateKeyForUser('marked');
    const credential = aSession({ username: 'marked' });
    const credentials = new DynamoCredentialStore(tables.names.users, tables.db);
    await credentials.create(credential, []);
    await rates.restart(userKey, 1_000_000, T, LATER, { issue: 'mark-1' });
    expect(await rates.markOf(userKey)).toBe('mark-1');

    await credentials.delete([credential]);

    const changed = await rates.markOf(userKey);
    expect(changed).toEqual(expect.any(String));
    expect(changed).not.toBe('mark-1');
    expect(await rates.markOf('r-none')).toBeUndefined();
  });

  it('given a rate item, then its TTL attribute is epoch seconds and it stores no token or address', async () => {
    await rates.restart('r5', 1_000_000, T, LATER);

    const { Item } = await tables.db.send(
      new GetCommand({ TableName: tables.names.users, Key: rateKey('r5') }),
    );

    expect(Item).toEqual({ ...rateKey('r5'), tat: 1_100_000, expires_at_epoch: LATER });
  });
});

describe('DynamoLinkCounts on DynamoDB Local', () => {
  it('given a user who added two links and deleted one, then the count is 1', async () => {
    const links = new DynamoLinkStore(tables.names.links, tables.db);
    await links.insert(aLink({ username: 'counted', url: 'https://a.example/' }), 10);
    await links.insert(aLink({ username: 'counted', url: 'https://b.example/' }), 10);
    await links.delete('counted', 'https://a.example/');

    expect(await new DynamoLinkCounts(tables.names.links, tables.db).linksCount('counted')).toEqual({
      all: 1,
      public: 1,
    });
  });

  it('given a user with no links, then 0', async () => {
    expect(await new DynamoLinkCounts(tables.names.links, tables.db).linksCount('nobody')).toEqual({
      all: 0,
      public: 0,
    });
  });
});
