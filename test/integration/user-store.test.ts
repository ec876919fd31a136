import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Credential } from '../../shared/users/model.ts';
import {
  DynamoCredentialStore,
  DynamoUserStore,
  sessionKey,
  tokenListKey,
  userKey,
} from '../../shared/users/dynamodb.ts';
import { newTokenId } from '../../shared/users/sessions.ts';
import { Tokens } from '../../shared/users/tokens.ts';
import { aSession, aUser } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/tables.ts';

let tables: TestTables;
let users: DynamoUserStore;
let credentials: DynamoCredentialStore;

/** A credential with a random hash and id, as the cores make them. */
function aCredential(overrides: Partial<Credential> = {}): Credential {
  return aSession({
    token_hash: randomBytes(32).toString('base64url'),
    token_id: newTokenId(),
    ...overrides,
  });
}

const itemAt = async (key: { pk: string; sk: string }) =>
  (await tables.db.send(new GetCommand({ TableName: tables.names.users, Key: key, ConsistentRead: true })))
    .Item;

beforeAll(async () => {
  tables = await createTestTables(inject('dynamoDbEndpoint'), 'users');
  users = new DynamoUserStore(tables.names.users, tables.db);
  credentials = new DynamoCredentialStore(tables.names.users, tables.db);
  await users.createIfAbsent(aUser({ username: 'kate' }));
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

describe('DynamoCredentialStore', () => {
  it('given a stored session, then get returns it, its two items are there, and the TTL attribute holds its expiry in epoch seconds', async () => {
    const session = aCredential({ username: 'kate', expires_at: '2026-12-23T18:00:00.500Z' });

    expect(await credentials.create(session, [])).toBe(true);

    expect(await credentials.get(session.token_hash)).toEqual(session);
    const lookup = await itemAt(sessionKey(session.token_hash));
    expect(lookup?.expires_at_epoch).toBe(Math.ceil(Date.parse('2026-12-23T18:00:00.500Z') / 1000));
    expect(await itemAt(tokenListKey('kate', session.token_id))).toMatchObject({
      token_hash: session.token_hash,
      scope: 'session',
    });
  });

  it("given a user's sessions and tokens, when listed, then all of them with their last use, and no one else's", async () => {
    await users.createIfAbsent(aUser({ username: 'frank' }));
    await users.createIfAbsent(aUser({ username: 'gina' }));
    const session = aCredential({ username: 'frank' });
    const token = aCredential({ username: 'frank', scope: 'feed', expires_at: null });
    await credentials.create(session, []);
    await credentials.create(token, []);
    await credentials.create(aCredential({ username: 'gina' }), []);
    await credentials.markUsed(token.token_hash, '2026-11-23T19:00:00.000Z', '2026-11-23T18:59:00.000Z');

    const listed = await credentials.list('frank', true);

    expect(listed.sort((a, b) => a.scope.localeCompare(b.scope))).toEqual([
      { ...token, last_used_at: '2026-11-23T19:00:00.000Z' },
      session,
    ]);
    expect(await credentials.find('frank', token.token_id)).toEqual(token);
    expect(await credentials.find('gina', token.token_id)).toBeUndefined();
  });

  it('given a use noted within the minute, when another is noted, then the first stays; after the minute, the new one', async () => {
    const session = aCredential({ username: 'kate' });
    await credentials.create(session, []);

    await credentials.markUsed(session.token_hash, '2026-11-23T19:00:00.000Z', '2026-11-23T18:59:00.000Z');
    await credentials.markUsed(session.token_hash, '2026-11-23T19:00:30.000Z', '2026-11-23T18:59:30.000Z');
    expect((await credentials.get(session.token_hash))?.last_used_at).toBe('2026-11-23T19:00:00.000Z');

    await credentials.markUsed(session.token_hash, '2026-11-23T19:01:01.000Z', '2026-11-23T19:00:01.000Z');
    expect((await credentials.get(session.token_hash))?.last_used_at).toBe('2026-11-23T19:01:01.000Z');
  });

  it('given a deleted credential, then get is undefined at once and neither item is left', async () => {
    const session = aCredential({ username: 'kate' });
    await credentials.create(session, []);

    await credentials.delete([session]);

    expect(await credentials.get(session.token_hash)).toBeUndefined();
    expect(await itemAt(tokenListKey('kate', session.token_id))).toBeUndefined();
  });

  it('given sessions past the cap, when one is created with them to end, then they are gone with it', async () => {
    const old = aCredential({ username: 'kate' });
    await credentials.create(old, []);
    const fresh = aCredential({ username: 'kate' });

    await credentials.create(fresh, [old]);

    expect(await credentials.get(old.token_hash)).toBeUndefined();
    expect(await itemAt(tokenListKey('kate', old.token_id))).toBeUndefined();
    expect(await credentials.get(fresh.token_hash)).toEqual(fresh);
  });

  it('given 60 credentials of a user, when all are revoked, then none is left in the table, and another user keeps hers', async () => {
    await users.createIfAbsent(aUser({ username: 'hugo' }));
    await users.createIfAbsent(aUser({ username: 'iris' }));
    const hugos = Array.from({ length: 60 }, (_, i) =>
      aCredential({ username: 'hugo', scope: i % 2 ? 'read' : 'session' }),
    );
    for (const credential of hugos) await credentials.create(credential, []);
    const iris = aCredential({ username: 'iris' });
    await credentials.create(iris, []);

    await new Tokens(credentials).revokeAll('hugo');

    expect(await credentials.list('hugo')).toEqual([]);
    for (const credential of hugos) expect(await credentials.get(credential.token_hash)).toBeUndefined();
    expect(await credentials.get(iris.token_hash)).toEqual(iris);
    expect(await users.get('hugo')).toBeDefined();
  });

  it('given a user whose deletion has started, when a credential is created, then it is refused and nothing is written', async () => {
    await users.createIfAbsent(aUser({ username: 'jack' }));
    await tables.db.send(
      new UpdateCommand({
        TableName: tables.names.users,
        Key: userKey('jack'),
        UpdateExpression: 'SET deleting_since = :now',
        ExpressionAttributeValues: { ':now': '2026-11-23T18:00:00.000Z' },
      }),
    );
    const refused = aCredential({ username: 'jack' });

    expect(await credentials.create(refused, [])).toBe(false);

    expect(await credentials.get(refused.token_hash)).toBeUndefined();
    expect(await credentials.list('jack')).toEqual([]);
  });

  it('given no profile of that name, when a credential is created, then it is refused', async () => {
    const refused = aCredential({ username: 'nobody' });

    expect(await credentials.create(refused, [])).toBe(false);
    expect(await credentials.get(refused.token_hash)).toBeUndefined();
  });

  it('given a session and a user of the same name, then neither overwrites the other', async () => {
    const erin = aUser({ username: 'erin' });
    const session = aCredential({ username: 'erin' });
    await users.createIfAbsent(erin);
    await credentials.create(session, []);

    expect(await users.get('erin')).toEqual(erin);
    expect(await credentials.get(session.token_hash)).toEqual(session);
  });
});
