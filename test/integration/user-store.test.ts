import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Session } from '../../shared/users/model.ts';
import { DynamoSessionStore, DynamoUserStore, sessionKey } from '../../shared/users/dynamodb.ts';
import { aUser } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/tables.ts';

let tables: TestTables;
let users: DynamoUserStore;
let sessions: DynamoSessionStore;

function aSession(overrides: Partial<Session> = {}): Session {
  return {
    tokenHash: randomBytes(32).toString('base64url'),
    username: 'alice',
    createdAt: '2026-11-23T18:00:00.000Z',
    expiresAt: '2026-12-23T18:00:00.000Z',
    ...overrides,
  };
}

beforeAll(async () => {
  tables = await createTestTables(inject('dynamoDbEndpoint'), 'users');
  users = new DynamoUserStore(tables.names.users, tables.db);
  sessions = new DynamoSessionStore(tables.names.users, tables.db);
});
afterAll(() => tables?.destroy());

describe('DynamoUserStore', () => {
  it('given no user, when one is created, then it is returned and stored', async () => {
    const alice = aUser({
      username: 'alice',
      email: 'alice@example.com',
      avatar_url: 'https://a.example/a.png',
    });

    expect(await users.createIfAbsent(alice)).toEqual(alice);

    expect(await users.get('alice')).toEqual(alice);
  });

  it('given a user, when the same username is created again, then the first user is kept and returned', async () => {
    const first = aUser({ username: 'bob', name: 'Bob the First', created_at: '2026-11-23T18:00:00.000Z' });
    await users.createIfAbsent(first);

    const second = await users.createIfAbsent(
      aUser({ username: 'bob', name: 'Bob the Second', created_at: '2026-11-24T18:00:00.000Z' }),
    );

    expect(second).toEqual(first);
    expect(await users.get('bob')).toEqual(first);
  });

  it('given 10 concurrent first logins of one user, then all of them see the same stored user', async () => {
    const attempts = Array.from({ length: 10 }, (_, i) => aUser({ username: 'carol', name: `Carol ${i}` }));

    const results = await Promise.all(attempts.map((user) => users.createIfAbsent(user)));

    const stored = await users.get('carol');
    expect(stored).toBeDefined();
    expect(attempts).toContainEqual(stored);
    for (const result of results) expect(result).toEqual(stored);
  });

  it('given no such user, then get is undefined', async () => {
    expect(await users.get('nobody')).toBeUndefined();
  });
});

describe('DynamoSessionStore', () => {
  it('given a stored session, then get returns it and the TTL attribute holds its expiry in epoch seconds', async () => {
    const session = aSession({ expiresAt: '2026-12-23T18:00:00.500Z' });

    await sessions.put(session);

    expect(await sessions.get(session.tokenHash)).toEqual(session);
    const { Item } = await tables.db.send(
      new GetCommand({ TableName: tables.names.users, Key: sessionKey(session.tokenHash) }),
    );
    expect(Item?.expires_at_epoch).toBe(Math.ceil(Date.parse('2026-12-23T18:00:00.500Z') / 1000));
  });

  it('given a stored session, when it is deleted, then get is undefined at once', async () => {
    const session = aSession();
    await sessions.put(session);
    expect(await sessions.get(session.tokenHash)).toBeDefined();

    await sessions.delete(session.tokenHash);

    expect(await sessions.get(session.tokenHash)).toBeUndefined();
  });

  it('given two sessions of one user, when one is deleted, then the other still works', async () => {
    const kept = aSession({ username: 'dave' });
    const revoked = aSession({ username: 'dave' });
    await sessions.put(kept);
    await sessions.put(revoked);

    await sessions.delete(revoked.tokenHash);

    expect(await sessions.get(kept.tokenHash)).toEqual(kept);
    expect(await sessions.get(revoked.tokenHash)).toBeUndefined();
  });

  it('given no session, when an unknown token hash is deleted or read, then nothing fails and get is undefined', async () => {
    const unknown = aSession().tokenHash;

    await expect(sessions.delete(unknown)).resolves.toBeUndefined();

    expect(await sessions.get(unknown)).toBeUndefined();
  });

  it('given a session and a user of the same name, then neither overwrites the other', async () => {
    const erin = aUser({ username: 'erin' });
    const session = aSession({ username: 'erin' });
    await users.createIfAbsent(erin);
    await sessions.put(session);

    expect(await users.get('erin')).toEqual(erin);
    expect(await sessions.get(session.tokenHash)).toEqual(session);
  });
});
