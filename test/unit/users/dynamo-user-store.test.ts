import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { rateItemKey, rateKeyForUser } from '../../../shared/rate-keys.ts';
import { describe, expect, it } from 'vitest';
import { Unavailable } from '../../../shared/errors.ts';
import {
  credentialToListItem,
  DynamoCredentialStore,
  DynamoUserStore,
  sessionKey,
  tokenListKey,
  userKey,
  userToItem,
} from '../../../shared/users/dynamodb.ts';
import { aPersonalToken, aSession, aUser } from '../../support/builders.ts';
import {
  conditionFailed,
  sessionItem,
  throughputExceeded,
  transactionCancelled,
  useMockedDynamo,
} from '../support/dynamo.ts';

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

describe('DynamoCredentialStore', () => {
  const store = () => new DynamoCredentialStore(TABLE, client());

  it('given a credential, when read by token hash, then with a strongly consistent read, so a revoked token stops at once', async () => {
    const session = aSession({ token_hash: 'h1', username: 'alice' });
    dynamo.on(GetCommand).resolves({ Item: sessionItem(session) });

    expect(await store().get('h1')).toEqual(session);

    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: TABLE,
      Key: sessionKey('h1'),
      ConsistentRead: true,
    });
  });

  it('given no credential, when read, then undefined', async () => {
    dynamo.on(GetCommand).resolves({});

    expect(await store().get('h1')).toBeUndefined();
  });

  it('given a session item from before token ids, when read, then it is no credential: it does not authenticate', async () => {
    dynamo.on(GetCommand).resolves({
      Item: { ...sessionKey('h1'), username: 'alice', created_at: 'x', expires_at: 'y', expires_at_epoch: 1 },
    });

    expect(await store().get('h1')).toBeUndefined();
  });

  it('given a session, when stored, then its two items and a check that the profile is live and not being deleted, in one transaction', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const session = aSession({ token_hash: 'h1', token_id: 'id1', expires_at: '2026-12-23T18:00:00.500Z' });

    expect(await store().create(session, [])).toBe(true);

    const [check, lookup, listed] =
      dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(check!.ConditionCheck).toEqual({
      TableName: TABLE,
      Key: userKey('alice'),
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleting_since)',
    });
    expect(lookup!.Put!.Item).toEqual({
      ...sessionKey('h1'),
      username: 'alice',
      token_id: 'id1',
      scope: 'session',
      name: session.name,
      created_at: session.created_at,
      expires_at: '2026-12-23T18:00:00.500Z',
      expires_at_epoch: 1798048801, // rounded up: TTL never deletes a session early
    });
    expect(listed!.Put!.Item).toEqual({
      ...tokenListKey('alice', 'id1'),
      token_id: 'id1',
      token_hash: 'h1',
      scope: 'session',
      name: session.name,
      created_at: session.created_at,
      expires_at: '2026-12-23T18:00:00.500Z',
      expires_at_epoch: 1798048801,
    });
  });

  it('given a personal token without expiry, when stored, then its items have no TTL attribute', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    await store().create(aPersonalToken({ token_hash: 'h1' }), []);

    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    for (const item of items.slice(1)) {
      expect(item.Put!.Item).toMatchObject({ expires_at: null });
      expect(item.Put!.Item).not.toHaveProperty('expires_at_epoch');
    }
  });

  it('given sessions past the cap, when a session is stored, then both items of each end in the same transaction', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const old = aSession({ token_hash: 'old', token_id: 'old-id' });

    await store().create(aSession(), [old]);

    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.slice(3, 5).map((item) => item.Delete?.Key)).toEqual([
      sessionKey('old'),
      tokenListKey('alice', 'old-id'),
    ]);
    expectMarkChange(items[5]?.Update, 'alice');
  });

  it('given the profile is gone or being deleted, when a credential is stored, then false', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejects(transactionCancelled({ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }));

    expect(await store().create(aSession(), [])).toBe(false);
  });

  it("given a user's credentials, when listed, then one consistent query of her partition, and their last uses in a batch", async () => {
    const a = aSession({ token_hash: 'ha', token_id: 'a' });
    const b = aPersonalToken({ token_hash: 'hb', token_id: 'b' });
    dynamo.on(QueryCommand).resolves({ Items: [credentialToListItem(a), credentialToListItem(b)] });
    dynamo.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [{ pk: sessionKey('hb').pk, last_used_at: '2026-11-23T19:00:00.000Z' }] },
    });

    const listed = await store().list('alice', true);

    expect(listed).toEqual([a, { ...b, last_used_at: '2026-11-23T19:00:00.000Z' }]);
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :token)',
      ExpressionAttributeValues: { ':pk': userKey('alice').pk, ':token': 'TOKEN#' },
      ConsistentRead: true,
    });
    expect(dynamo.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems![TABLE]!.Keys).toEqual([
      sessionKey('ha'),
      sessionKey('hb'),
    ]);
  });

  it("given one credential, when deleted, then both its items and a new credentials mark on the user's rate item in one transaction", async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    await store().delete([aSession({ token_hash: 'h1', token_id: 'id1' })]);

    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.slice(0, 2).map((item) => item.Delete?.Key)).toEqual([
      sessionKey('h1'),
      tokenListKey('alice', 'id1'),
    ]);
    expectMarkChange(items[2]?.Update, 'alice');
  });

  it('given two credentials, when both are deleted, then the mark changes after the deletions', async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});

    await store().delete([
      aSession({ token_hash: 'h1', token_id: 'id1' }),
      aSession({ token_hash: 'h2', token_id: 'id2' }),
    ]);

    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(1);
    const marks = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(marks).toHaveLength(1);
    expectMarkChange(marks[0], 'alice');
  });

  it('given 20 credentials, when all are deleted, then 40 items in batches of 25, retrying what was left unprocessed', async () => {
    const all = Array.from({ length: 20 }, (_, i) => aSession({ token_hash: `h${i}`, token_id: `id${i}` }));
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({
        UnprocessedItems: { [TABLE]: [{ DeleteRequest: { Key: sessionKey('h0') } }] },
      })
      .resolves({});

    await store().delete(all);

    const sizes = dynamo
      .commandCalls(BatchWriteCommand)
      .map((call) => call.args[0].input.RequestItems![TABLE]!.length);
    // Batches go out a few at once, so the retry of the one left over may come after the second batch.
    expect(sizes.sort((a, b) => a - b)).toEqual([1, 15, 25]);
  });

  it('given a use to note, then a conditional update that writes at most once a minute, and a failed condition is no error', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    await store().markUsed('h1', '2026-11-23T18:01:00.000Z', '2026-11-23T18:00:00.000Z');

    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: sessionKey('h1'),
      UpdateExpression: 'SET #last_used_at = :at',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(#last_used_at) OR #last_used_at < :not_before)',
      ExpressionAttributeValues: {
        ':at': '2026-11-23T18:01:00.000Z',
        ':not_before': '2026-11-23T18:00:00.000Z',
      },
    });
  });
});

/** A change of the user's credentials mark: a new random value on the user's rate item. */
function expectMarkChange(
  update:
    | { Key?: unknown; UpdateExpression?: string; ExpressionAttributeValues?: Record<string, unknown> }
    | undefined,
  username: string,
) {
  expect(update?.Key).toEqual(rateItemKey(rateKeyForUser(username)));
  expect(update?.UpdateExpression).toContain('#mark = :mark');
  expect(update?.ExpressionAttributeValues?.[':mark']).toMatch(/^[A-Za-z0-9_-]{16}$/);
}
