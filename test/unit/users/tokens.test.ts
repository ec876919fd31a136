import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidRequest, NotFound, Unauthorized } from '../../../shared/errors.ts';
import { hashToken, Sessions } from '../../../shared/users/sessions.ts';
import { MAX_PERSONAL_TOKENS, Tokens } from '../../../shared/users/tokens.ts';
import { aPersonalToken, aSession, aUser } from '../../support/builders.ts';
import { InMemorySessionStore, InMemoryUsers } from '../support/memory-users.ts';

const DAY = 24 * 60 * 60 * 1000;
let now: Date;
let store: InMemorySessionStore;
let users: InMemoryUsers;
let tokens: Tokens;
let sessions: Sessions;

beforeEach(() => {
  now = new Date('2026-11-23T18:00:00.000Z');
  users = new InMemoryUsers();
  users.profiles.set('alice', aUser({ username: 'alice' }));
  users.profiles.set('bob', aUser({ username: 'bob' }));
  store = new InMemorySessionStore(users);
  tokens = new Tokens(store, () => now);
  sessions = new Sessions(store, users, { lifetimeDays: 30, maxSessionsPerUser: 20 }, () => now);
});

describe('Tokens.create', () => {
  it('given a user, when she creates a read token, then the secret is returned once and only its hash is stored', async () => {
    const created = await tokens.create('alice', { name: 'backup script', scope: 'read' });

    expect(created.token).toMatch(/^dlk_[A-Za-z0-9_-]{43}$/);
    expect(created.credential).toMatchObject({
      username: 'alice',
      scope: 'read',
      name: 'backup script',
      created_at: now.toISOString(),
      expires_at: null,
      last_used_at: null,
    });
    expect([...store.byHash.keys()]).toEqual([hashToken(created.token)]);
    expect(JSON.stringify([...store.byHash.values()])).not.toContain(created.token);
    expect(await sessions.authenticate(created.token)).toMatchObject({ username: 'alice', scope: 'read' });
  });

  it('given an expiry of 90 days, when the token is created, then it works until then and not after', async () => {
    const created = await tokens.create('alice', { name: 'feed reader', scope: 'feed', expiresInDays: 90 });

    expect(created.credential.expires_at).toBe(new Date(now.getTime() + 90 * DAY).toISOString());
    now = new Date(now.getTime() + 90 * DAY - 1);
    await expect(sessions.authenticate(created.token)).resolves.toMatchObject({ scope: 'feed' });
    now = new Date(now.getTime() + 1);
    await expect(sessions.authenticate(created.token)).rejects.toBeInstanceOf(Unauthorized);
  });

  it('given an account whose deletion has started, when a token is created, then Unauthorized and nothing is stored', async () => {
    store.deleting.add('alice');

    await expect(tokens.create('alice', { name: 'x', scope: 'write' })).rejects.toBeInstanceOf(Unauthorized);
    expect(store.byHash.size).toBe(0);
  });

  it(`given ${MAX_PERSONAL_TOKENS} live personal tokens, when one more is created, then invalid_request; expired ones and sessions do not count`, async () => {
    for (let i = 0; i < MAX_PERSONAL_TOKENS; i++) {
      const token = aPersonalToken({ username: 'alice' });
      store.byHash.set(token.token_hash, token);
    }
    await expect(tokens.create('alice', { name: 'one more', scope: 'read' })).rejects.toBeInstanceOf(
      InvalidRequest,
    );

    const [first] = [...store.byHash.values()];
    store.byHash.set(first!.token_hash, { ...first!, expires_at: '2026-11-01T00:00:00.000Z' });
    await sessions.issue(aUser({ username: 'alice' }));

    await expect(tokens.create('alice', { name: 'one more', scope: 'read' })).resolves.toBeDefined();
  });
});

describe('Tokens.list', () => {
  it("given sessions and tokens, then the user's live ones, newest first, the caller's marked current, others' left out", async () => {
    const old = aSession({ username: 'alice', created_at: '2026-11-01T00:00:00.000Z' });
    const expired = aSession({ username: 'alice', expires_at: '2026-11-20T00:00:00.000Z' });
    const personal = aPersonalToken({ username: 'alice', created_at: '2026-11-22T00:00:00.000Z' });
    const bobs = aSession({ username: 'bob' });
    for (const credential of [old, expired, personal, bobs])
      store.byHash.set(credential.token_hash, credential);

    const listed = await tokens.list('alice', old.token_id);

    expect(listed.map(({ credential, current }) => [credential.token_id, current])).toEqual([
      [personal.token_id, false],
      [old.token_id, true],
    ]);
  });
});

describe('Tokens.delete', () => {
  it('given one of her tokens, when she deletes it, then it is dead at once and her other credentials live', async () => {
    const doomed = await tokens.create('alice', { name: 'a', scope: 'write' });
    const kept = await tokens.create('alice', { name: 'b', scope: 'read' });

    await tokens.delete('alice', doomed.credential.token_id);

    await expect(sessions.authenticate(doomed.token)).rejects.toBeInstanceOf(Unauthorized);
    await expect(sessions.authenticate(kept.token)).resolves.toMatchObject({ username: 'alice' });
  });

  it("given bob's token id, when alice deletes it, then NotFound and bob's token still works", async () => {
    const bobs = await tokens.create('bob', { name: 'a', scope: 'read' });

    await expect(tokens.delete('alice', bobs.credential.token_id)).rejects.toBeInstanceOf(NotFound);
    await expect(sessions.authenticate(bobs.token)).resolves.toMatchObject({ username: 'bob' });
  });
});

describe('Tokens.revokeAll', () => {
  it("given sessions and tokens of alice and bob, when alice's are all revoked, then none of hers works and bob's do", async () => {
    const hers = [
      (await sessions.issue(aUser({ username: 'alice' }))).accessToken,
      (await tokens.create('alice', { name: 'a', scope: 'feed' })).token,
      (await tokens.create('alice', { name: 'b', scope: 'write', expiresInDays: 1 })).token,
    ];
    const his = (await sessions.issue(aUser({ username: 'bob' }))).accessToken;

    await tokens.revokeAll('alice');

    for (const token of hers) await expect(sessions.authenticate(token)).rejects.toBeInstanceOf(Unauthorized);
    await expect(sessions.authenticate(his)).resolves.toMatchObject({ username: 'bob' });
    expect(await tokens.list('alice', 'none')).toEqual([]);
  });
});
