import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { Unauthorized } from '../../../shared/errors.ts';
import { presentedToken } from '../../../shared/http/gate.ts';
import { hashToken, Sessions } from '../../../shared/users/sessions.ts';
import { aSession, aUser } from '../../support/builders.ts';
import { InMemorySessionStore, InMemoryUsers } from '../support/memory-users.ts';

const DAY = 24 * 60 * 60 * 1000;
let now: Date;
let sessionStore: InMemorySessionStore;
let userStore: InMemoryUsers;
let sessions: Sessions;

beforeEach(() => {
  now = new Date('2026-11-23T18:00:00.000Z');
  sessionStore = new InMemorySessionStore();
  userStore = new InMemoryUsers();
  sessions = new Sessions(sessionStore, userStore, 30, () => now);
});

describe('Sessions.issue', () => {
  it('given a user, when a token is issued, then it is dlk_ followed by 256 random bits, URL-safe', async () => {
    const { accessToken } = await sessions.issue(aUser());

    expect(accessToken).toMatch(/^dlk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(accessToken.slice(4), 'base64url')).toHaveLength(32);
  });

  it('given a user, when two tokens are issued, then they differ', async () => {
    const first = await sessions.issue(aUser());
    const second = await sessions.issue(aUser());

    expect(first.accessToken).not.toBe(second.accessToken);
  });

  it('given a user, when a token is issued, then only its SHA-256 is stored, never the token itself', async () => {
    const { accessToken } = await sessions.issue(aUser());

    const expectedHash = createHash('sha256').update(accessToken).digest('base64url');
    expect([...sessionStore.byHash.keys()]).toEqual([expectedHash]);
    expect(JSON.stringify([...sessionStore.byHash.values()])).not.toContain(accessToken);
    expect(JSON.stringify([...sessionStore.byHash.values()])).not.toContain(accessToken.slice(4));
  });

  it('given a 30-day lifetime, when a token is issued, then it expires 30 days from now', async () => {
    const issued = await sessions.issue(aUser({ username: 'alice' }));

    expect(issued.expiresAt).toBe(new Date(now.getTime() + 30 * DAY).toISOString());
    expect([...sessionStore.byHash.values()][0]).toMatchObject({
      username: 'alice',
      createdAt: now.toISOString(),
      expiresAt: issued.expiresAt,
    });
  });
});

describe('Sessions.authenticate', () => {
  it('given an issued token, when it is presented, then it names its user', async () => {
    const { accessToken } = await sessions.issue(aUser({ username: 'alice' }));

    expect(await sessions.authenticate(accessToken)).toBe('alice');
  });

  it('given an issued token, when it is presented a millisecond before expiry, then it works; at expiry, Unauthorized', async () => {
    const { accessToken, expiresAt } = await sessions.issue(aUser());

    now = new Date(Date.parse(expiresAt) - 1);
    await expect(sessions.authenticate(accessToken)).resolves.toBe('alice');
    now = new Date(expiresAt);
    await expect(sessions.authenticate(accessToken)).rejects.toBeInstanceOf(Unauthorized);
  });

  it('given an expired session that TTL has not removed yet, when its token is presented, then Unauthorized', async () => {
    const token = 'dlk_expired';
    await sessionStore.put(aSession({ tokenHash: hashToken(token), expiresAt: '2026-11-01T00:00:00.000Z' }));

    await expect(sessions.authenticate(token)).rejects.toBeInstanceOf(Unauthorized);
  });

  it.each([[undefined], ['']])(
    'given no token (%j), when authenticating, then Unauthorized',
    async (token) => {
      await expect(sessions.authenticate(token)).rejects.toBeInstanceOf(Unauthorized);
    },
  );

  it('given a token nobody issued, when it is presented, then Unauthorized', async () => {
    await expect(sessions.authenticate('dlk_never-issued')).rejects.toBeInstanceOf(Unauthorized);
  });

  it('given a revoked token, when it is presented again, then Unauthorized, while another token of the same user still works', async () => {
    const revoked = await sessions.issue(aUser());
    const other = await sessions.issue(aUser());

    await sessions.revoke(revoked.accessToken);

    await expect(sessions.authenticate(revoked.accessToken)).rejects.toBeInstanceOf(Unauthorized);
    await expect(sessions.authenticate(other.accessToken)).resolves.toBe('alice');
  });
});

describe('Sessions.devLogin', () => {
  it('given a new username, when it logs in, then the user is registered and gets a working token', async () => {
    const issued = await sessions.devLogin('carol');

    expect(userStore.profiles.get('carol')).toMatchObject({
      username: 'carol',
      created_at: now.toISOString(),
    });
    expect(await sessions.authenticate(issued.accessToken)).toBe('carol');
  });

  it('given a registered user, when they log in again, then their stored profile is kept', async () => {
    userStore.profiles.set('alice', aUser({ name: 'Alice Liddell', created_at: '2020-01-01T00:00:00.000Z' }));

    const issued = await sessions.devLogin('alice');

    expect(issued.user).toMatchObject({ name: 'Alice Liddell', created_at: '2020-01-01T00:00:00.000Z' });
  });
});

describe('presentedToken', () => {
  it.each([
    [{ authorization: 'Bearer dlk_abc' }, 'dlk_abc'],
    [{ authorization: 'bearer   dlk_abc  ' }, 'dlk_abc'],
    [{ 'access-token': 'dlk_abc' }, 'dlk_abc'],
    [{ 'access-token': '  dlk_abc ' }, 'dlk_abc'],
    [{ authorization: 'Bearer dlk_abc', 'access-token': 'dlk_other' }, 'dlk_abc'],
    [{ authorization: 'Basic dlk_abc' }, undefined],
    [{ authorization: 'Bearer' }, undefined],
    [{ authorization: 'Bearer two tokens' }, undefined],
    [{ 'access-token': '   ' }, undefined],
    [{}, undefined],
  ])('given the headers %j, then the presented token is %j', (headers, token) => {
    expect(presentedToken(headers)).toBe(token);
  });
});
