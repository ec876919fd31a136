import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { Unauthorized } from '../../../shared/errors.ts';
import type { Credential } from '../../../shared/users/model.ts';
import { presentedToken } from '../../../shared/http/gate.ts';
import { hashToken, Sessions } from '../../../shared/users/sessions.ts';
import { aSession, aUser } from '../../support/builders.ts';
import { InMemorySessionStore, InMemoryUsers } from '../support/memory-users.ts';

const DAY = 24 * 60 * 60 * 1000;
const MAX_SESSIONS = 3;
let now: Date;
let sessionStore: InMemorySessionStore;
let userStore: InMemoryUsers;
let sessions: Sessions;

beforeEach(() => {
  now = new Date('2026-11-23T18:00:00.000Z');
  userStore = new InMemoryUsers();
  userStore.profiles.set('alice', aUser({ username: 'alice' }));
  sessionStore = new InMemorySessionStore(userStore);
  sessions = new Sessions(
    sessionStore,
    userStore,
    { lifetimeDays: 30, maxSessionsPerUser: MAX_SESSIONS },
    () => now,
  );
});

const stored = (): Credential[] => [...sessionStore.byHash.values()];

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
    expect(stored()[0]).toMatchObject({
      username: 'alice',
      scope: 'session',
      created_at: now.toISOString(),
      expires_at: issued.expiresAt,
    });
  });

  it('given a user, when a session is issued, then its id is 16 random bytes, base64url, and not the token', async () => {
    const { accessToken } = await sessions.issue(aUser());

    const id = stored()[0]!.token_id;
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(accessToken).not.toContain(id);
  });

  it('given a user at the session cap, when she logs in again, then her oldest session ends and the others stay', async () => {
    const issued = [];
    for (let i = 0; i < MAX_SESSIONS; i++) {
      issued.push(await sessions.issue(aUser()));
      now = new Date(now.getTime() + 1000);
    }

    const newest = await sessions.issue(aUser());

    expect(stored()).toHaveLength(MAX_SESSIONS);
    await expect(sessions.authenticate(issued[0]!.accessToken)).rejects.toBeInstanceOf(Unauthorized);
    for (const kept of [...issued.slice(1), newest]) {
      await expect(sessions.authenticate(kept.accessToken)).resolves.toMatchObject({ username: 'alice' });
    }
  });

  it("given a user at the session cap, when she logs in, then her personal tokens and expired sessions don't count", async () => {
    sessionStore.byHash.set('t', aSession({ token_hash: 't', scope: 'read', expires_at: null }));
    sessionStore.byHash.set('x', aSession({ token_hash: 'x', expires_at: '2026-11-01T00:00:00.000Z' }));
    for (let i = 0; i < MAX_SESSIONS - 1; i++) await sessions.issue(aUser());

    await sessions.issue(aUser());

    expect(stored().filter((credential) => credential.scope === 'session')).toHaveLength(MAX_SESSIONS + 1);
    expect(sessionStore.byHash.has('t')).toBe(true);
  });

  it('given a user whose account deletion has started, when a session is issued, then Unauthorized and nothing is stored', async () => {
    sessionStore.deleting.add('alice');

    await expect(sessions.issue(aUser())).rejects.toBeInstanceOf(Unauthorized);
    expect(stored()).toEqual([]);
  });

  it('given a username with no profile, when a session is issued, then Unauthorized', async () => {
    await expect(sessions.issue(aUser({ username: 'ghost' }))).rejects.toBeInstanceOf(Unauthorized);
  });
});

describe('Sessions.authenticate', () => {
  it('given an issued token, when it is presented, then it names its user', async () => {
    const { accessToken } = await sessions.issue(aUser({ username: 'alice' }));

    expect(await sessions.authenticate(accessToken)).toMatchObject({ username: 'alice', scope: 'session' });
  });

  it('given an issued token, when it is presented a millisecond before expiry, then it works; at expiry, Unauthorized', async () => {
    const { accessToken, expiresAt } = await sessions.issue(aUser());

    now = new Date(Date.parse(expiresAt) - 1);
    await expect(sessions.authenticate(accessToken)).resolves.toMatchObject({ username: 'alice' });
    now = new Date(expiresAt);
    await expect(sessions.authenticate(accessToken)).rejects.toBeInstanceOf(Unauthorized);
  });

  it('given an expired session that TTL has not removed yet, when its token is presented, then Unauthorized', async () => {
    const token = 'dlk_expired';
    const expired = aSession({ token_hash: hashToken(token), expires_at: '2026-11-01T00:00:00.000Z' });
    sessionStore.byHash.set(expired.token_hash, expired);

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
    await expect(sessions.authenticate(other.accessToken)).resolves.toMatchObject({ username: 'alice' });
  });

  it('given a personal token without expiry, when it is presented years later, then it names its user and scope', async () => {
    const token = 'dlk_personal';
    const personal = aSession({ token_hash: hashToken(token), scope: 'feed', expires_at: null });
    sessionStore.byHash.set(personal.token_hash, personal);
    now = new Date('2031-01-01T00:00:00.000Z');

    expect(await sessions.authenticate(token)).toMatchObject({
      username: 'alice',
      scope: 'feed',
      tokenId: personal.token_id,
    });
  });
});

describe('Sessions.authenticate: noting the last use', () => {
  it('given a token used many times within a minute, then its last use is written once, at the first', async () => {
    const { accessToken } = await sessions.issue(aUser());
    const first = now.toISOString();

    for (let second = 0; second < 60; second++) {
      await (await sessions.authenticate(accessToken)).recordUse();
      now = new Date(now.getTime() + 999);
    }

    expect(sessionStore.lastUseWrites.map((write) => write.at)).toEqual([first]);
    expect(stored()[0]!.last_used_at).toBe(first);
  });

  it('given a token last used over a minute ago, when it is used, then its last use is written again', async () => {
    const { accessToken } = await sessions.issue(aUser());
    await (await sessions.authenticate(accessToken)).recordUse();

    now = new Date(now.getTime() + 60_001);
    await (await sessions.authenticate(accessToken)).recordUse();

    expect(sessionStore.lastUseWrites.map((write) => write.at)).toEqual([
      '2026-11-23T18:00:00.000Z',
      '2026-11-23T18:01:00.001Z',
    ]);
  });

  it('given two requests read the token before either noted its use, then the store notes one of them only', async () => {
    const { accessToken } = await sessions.issue(aUser());
    const [a, b] = [await sessions.authenticate(accessToken), await sessions.authenticate(accessToken)];

    await Promise.all([a.recordUse(), b.recordUse()]);

    expect(sessionStore.lastUseWrites).toHaveLength(1);
  });
});

describe('Sessions.devLogin', () => {
  it('given a new username, when it logs in, then the user is registered and gets a working token', async () => {
    const issued = await sessions.devLogin('carol');

    expect(userStore.profiles.get('carol')).toMatchObject({
      username: 'carol',
      created_at: now.toISOString(),
    });
    expect(await sessions.authenticate(issued.accessToken)).toMatchObject({ username: 'carol' });
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
