import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoLinkCounts } from '../../../shared/links/dynamodb.ts';
import {
  DynamoIdentityStore,
  DynamoLoginStateStore,
  identityKey,
  loginStateKey,
  userKey,
} from '../../../shared/users/dynamodb.ts';
import { countsForProfiles } from '../../../shared/social/counts-for-profiles.ts';
import { aGitHubIdentity, aUser } from '../../support/builders.ts';
import { conditionFailed, reason, transactionCancelled, useMockedDynamo } from '../support/dynamo.ts';

const TABLE = 'users-table';
const { dynamo, db, updates } = useMockedDynamo();

describe('DynamoLoginStateStore', () => {
  const store = () => new DynamoLoginStateStore(TABLE, db);

  it('given a state hash, when saved, then it is put once (never overwritten) with its expiry as the TTL', async () => {
    dynamo.on(PutCommand).resolves({});

    await store().save('state-hash', '2026-11-23T18:10:00.000Z');

    const put = dynamo.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put).toMatchObject({
      TableName: TABLE,
      Item: {
        ...loginStateKey('state-hash'),
        expires_at_epoch: Date.parse('2026-11-23T18:10:00.000Z') / 1000,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(loginStateKey('state-hash')).toEqual({ pk: 'OAUTH_STATE#state-hash', sk: 'OAUTH_STATE' });
  });

  it('given a live state, when consumed, then a conditional delete checks it exists and has not expired', async () => {
    dynamo.on(DeleteCommand).resolves({});
    const now = new Date('2026-11-23T18:05:00.000Z');

    expect(await store().consume('state-hash', now)).toBe(true);

    expect(dynamo.commandCalls(DeleteCommand)[0]!.args[0].input).toMatchObject({
      Key: loginStateKey('state-hash'),
      ConditionExpression: 'attribute_exists(pk) AND expires_at_epoch > :now',
      ExpressionAttributeValues: { ':now': now.getTime() / 1000 },
    });
  });

  it('given an unknown, used or expired state, when consumed, then false', async () => {
    dynamo.on(DeleteCommand).rejects(conditionFailed());

    expect(await store().consume('state-hash', new Date())).toBe(false);
  });
});

describe('DynamoIdentityStore', () => {
  const store = () => new DynamoIdentityStore(TABLE, db);
  const identity = aGitHubIdentity({ id: 42, login: 'OctoCat' });
  const user = aUser({ username: 'octocat', name: 'The Octocat', email: 'octo@example.com' });

  it('given a GitHub id, then its username is read strongly consistently from the identity item', async () => {
    dynamo
      .on(GetCommand, { Key: identityKey(42) })
      .resolves({ Item: { ...identityKey(42), username: 'octocat' } });

    expect(await store().usernameFor(42)).toBe('octocat');
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({ ConsistentRead: true });
    expect(identityKey(42)).toEqual({ pk: 'GITHUB#42', sk: 'IDENTITY' });
  });

  it('given an unknown GitHub id, then no username', async () => {
    dynamo.on(GetCommand).resolves({});

    expect(await store().usernameFor(43)).toBeUndefined();
  });

  it('given a new account, when registered, then the identity and the profile are written in one transaction, each conditional', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(GetCommand, { Key: userKey('octocat') }).resolves({
      Item: { ...userKey('octocat'), username: 'octocat', name: 'The Octocat', created_at: user.created_at },
    });

    const result = await store().register(user, identity);

    expect(result).toMatchObject({ outcome: 'registered', user: { username: 'octocat' } });
    const [put, update] = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(put!.Put).toMatchObject({
      Item: { ...identityKey(42), username: 'octocat', github_id: 42 },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(update!.Update).toMatchObject({
      Key: userKey('octocat'),
      ConditionExpression: 'attribute_not_exists(pk) OR attribute_not_exists(#github_id)',
    });
    expect(update!.Update!.UpdateExpression).toContain(
      '#created_at = if_not_exists(#created_at, :created_at)',
    );
    expect(update!.Update!.ExpressionAttributeValues).toMatchObject({
      ':github_id': 42,
      ':login': 'OctoCat',
    });
  });

  it('given the identity already registered (a concurrent first login), then identity_taken', async () => {
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled(reason.conditionFailed(), reason.none));

    expect(await store().register(user, identity)).toEqual({ outcome: 'identity_taken' });
  });

  it('given the username held by another GitHub account, then username_taken', async () => {
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled(reason.none, reason.conditionFailed()));

    expect(await store().register(user, identity)).toEqual({ outcome: 'username_taken' });
  });

  it('given a known account, when refreshed, then the profile fields are updated only if the profile is that account', async () => {
    dynamo.on(UpdateCommand).resolves({
      Attributes: {
        ...userKey('octocat'),
        username: 'octocat',
        name: 'New',
        email: 'n@example.com',
        created_at: 'c',
      },
    });

    const refreshed = await store().refresh('octocat', identity, {
      name: 'New',
      email: 'n@example.com',
      avatar_url: null,
    });

    expect(refreshed).toMatchObject({ username: 'octocat', name: 'New', email: 'n@example.com' });
    expect(updates()[0]).toMatchObject({
      Key: userKey('octocat'),
      ConditionExpression: '#github_id = :github_id',
      ExpressionAttributeValues: { ':github_id': 42, ':name': 'New', ':login': 'OctoCat' },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('given a profile of another account (or none), when refreshed, then nothing comes back', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    expect(
      await store().refresh('octocat', identity, { name: 'x', email: null, avatar_url: null }),
    ).toBeUndefined();
  });
});

describe('the counts that profiles read from other contexts', () => {
  it("given a user with links, then the links context's counters item answers, strongly consistent", async () => {
    dynamo.on(GetCommand).resolves({ Item: { links_count: 3, public_links_count: 2 } });

    expect(await new DynamoLinkCounts('links-table', db).linksCount('alice')).toEqual({ all: 3, public: 2 });
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'links-table',
      Key: { pk: 'USER#alice', sk: 'COUNTERS' },
      ConsistentRead: true,
    });
  });

  it('given a user who never added a link, then 0', async () => {
    dynamo.on(GetCommand).resolves({});

    expect(await new DynamoLinkCounts('links-table', db).linksCount('alice')).toEqual({ all: 0, public: 0 });
  });

  it('given no social table in the environment, then both social counts are 0 and nothing is read', async () => {
    expect(await countsForProfiles({}).counts('alice')).toEqual({ followers: 0, following: 0 });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it("given a social table, then the social context's counters item (USER#<name>, COUNTERS) answers", async () => {
    dynamo.on(GetCommand).resolves({ Item: { followers_count: 2, following_count: 5 } });

    expect(await countsForProfiles({ SOCIAL_TABLE: 'social-table' }).counts('alice')).toEqual({
      followers: 2,
      following: 5,
    });
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'social-table',
      Key: { pk: 'USER#alice', sk: 'COUNTERS' },
    });
  });
});
