import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { Unavailable } from '../../../shared/errors.ts';
import {
  DynamoSessionStore,
  DynamoUserStore,
  sessionKey,
  userKey,
  userToItem,
} from '../../../shared/users/dynamodb.ts';
import { aSession, aUser } from '../../support/builders.ts';
import { conditionFailed, sessionItem, throughputExceeded, useMockedDynamo } from '../support/dynamo.ts';

const TABLE = 'users-table';
const { dynamo, db } = useMockedDynamo();
const client = () => db;

describe('DynamoUserStore', () => {
  it('given a new user, when created if absent, then put only if no such user exists, and the user is returned', async () => {
    dynamo.on(PutCommand).resolves({});
    const user = aUser({ username: 'alice' });

    expect(await new DynamoUserStore(TABLE, client()).createIfAbsent(user)).toEqual(user);

    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Item: userToItem(user),
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('given the user exists, when created if absent, then the stored user comes back, not the new one', async () => {
    const stored = aUser({
      username: 'alice',
      name: 'Alice Liddell',
      created_at: '2020-01-01T00:00:00.000Z',
    });
    dynamo.on(PutCommand).rejects(conditionFailed(userToItem(stored)));

    const user = await new DynamoUserStore(TABLE, client()).createIfAbsent(aUser({ username: 'alice' }));

    expect(user).toEqual(stored);
  });

  it('given a profile marked as being deleted, when read by username, then it is absent', async () => {
    const stored = { ...userToItem(aUser({ username: 'dora' })), deleting_since: '2026-12-01T10:00:00.000Z' };
    dynamo.on(GetCommand, { Key: userKey('dora') }).resolves({ Item: stored });

    expect(await new DynamoUserStore(TABLE, client()).get('dora')).toBeUndefined();
  });

  it('given throttling, when created if absent, then Unavailable', async () => {
    dynamo.on(PutCommand).rejects(throughputExceeded());

    await expect(new DynamoUserStore(TABLE, client()).createIfAbsent(aUser())).rejects.toBeInstanceOf(
      Unavailable,
    );
  });

  it('given a stored user, when read by username, then it comes back; an unknown one is undefined', async () => {
    const stored = aUser({ username: 'alice', email: 'alice@example.com' });
    dynamo.on(GetCommand).resolves({});
    dynamo.on(GetCommand, { Key: userKey('alice') }).resolves({ Item: userToItem(stored) });
    const users = new DynamoUserStore(TABLE, client());

    expect(await users.get('alice')).toEqual(stored);
    expect(await users.get('bob')).toBeUndefined();
  });
});

describe('DynamoSessionStore', () => {
  it('given a session, when read by token hash, then with a strongly consistent read, so a revoked token stops at once', async () => {
    const session = aSession({ tokenHash: 'h1', username: 'alice' });
    dynamo.on(GetCommand).resolves({ Item: sessionItem(session) });

    expect(await new DynamoSessionStore(TABLE, client()).get('h1')).toEqual(session);

    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: sessionKey('h1'),
      ConsistentRead: true,
    });
  });

  it('given no session, when read, then undefined', async () => {
    dynamo.on(GetCommand).resolves({});

    expect(await new DynamoSessionStore(TABLE, client()).get('h1')).toBeUndefined();
  });

  it('given a session, when stored, then with its expiry also in epoch seconds for DynamoDB TTL', async () => {
    dynamo.on(PutCommand).resolves({});
    const session = aSession({ tokenHash: 'h1', expiresAt: '2026-12-23T18:00:00.500Z' });

    await new DynamoSessionStore(TABLE, client()).put(session);

    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input.Item).toEqual({
      ...sessionKey('h1'),
      username: 'alice',
      created_at: session.createdAt,
      expires_at: '2026-12-23T18:00:00.500Z',
      expires_at_epoch: 1798048801, // rounded up: TTL never deletes a session early
    });
  });

  it('given a session, when deleted, then by the key of its hash', async () => {
    dynamo.on(DeleteCommand).resolves({});

    await new DynamoSessionStore(TABLE, client()).delete('h1');

    expect(dynamo.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: sessionKey('h1'),
    });
  });
});
