/**
 * The users table: people, their GitHub identities, their sessions and login states. The rate limiter's items
 * share the table and have their own adapter (shared/http/rate-limit-store.ts).
 *
 * | access pattern                        | key condition / write                                          |
 * |---------------------------------------|----------------------------------------------------------------|
 * | get a user by username                | pk = USER#<username>, sk = PROFILE                             |
 * | create a user unless it exists        | Put, condition attribute_not_exists(pk)                        |
 * | find a session by token hash          | pk = SESSION#<sha256(token)>, sk = SESSION (consistent read)   |
 * | revoke a session                      | Delete pk = SESSION#<hash>, sk = SESSION                       |
 * | which user a GitHub account is        | pk = GITHUB#<github id>, sk = IDENTITY (consistent read)       |
 * | register a GitHub user                | TransactWriteItems: Put identity if attribute_not_exists(pk) + |
 * |                                       | Update profile if attribute_not_exists(pk) OR                  |
 * |                                       | attribute_not_exists(github_id) (both or neither)              |
 * | refresh a GitHub user's profile       | Update profile if github_id = <id>                             |
 * | remember an OAuth state               | Put pk = OAUTH_STATE#<sha256(state)>, sk = OAUTH_STATE         |
 * | use an OAuth state (once)             | Delete if attribute_exists(pk) AND expires_at_epoch > <now>    |
 * | mark a profile as being deleted       | Update SET deleting_since if absent, if attribute_exists(pk)   |
 * | erase an account (erasure-store.ts)   | Delete identity if username = <username>; BatchWrite deletes of |
 * |                                       | the rest of USER#<username>; Delete profile if deleting_since  |
 *
 * Item shapes:
 * - profile: { pk, sk, username, name, email, avatar_url, created_at, github_id?, github_login? }; users
 *   who logged in with GitHub carry GitHub's numeric id and current login (not exposed by the API).
 *   Profiles made by the local runtime's POST /dev/login have no github_id; the first GitHub login of that
 *   name claims them. A profile with `deleting_since` (when DELETE /v1/me began) is being erased: it reads as
 *   absent, and the erasure deletes it last (shared/users/erasure.ts).
 * - session: { pk, sk, username, created_at, expires_at, expires_at_epoch } where expires_at_epoch is the
 *   TTL attribute, so DynamoDB removes expired sessions by itself. Expiry is still checked on every read,
 *   since TTL deletion can lag by days.
 * - identity: { pk: GITHUB#<id>, sk: IDENTITY, username, github_id, created_at }: the GitHub id -> username
 *   mapping. A renamed GitHub account keeps its id, so it stays the same user with the same username; the
 *   username never changes, since links and follows are keyed by it.
 * - login state: { pk: OAUTH_STATE#<sha256(state)>, sk: OAUTH_STATE, created_at, expires_at_epoch }: the
 *   state of a login in progress, 10 minutes, deleted on use, so a callback cannot be replayed.
 * Raw access tokens, OAuth states, client IPs and GitHub tokens are never stored: only hashes, or nothing.
 * No index: every pattern is a direct key lookup.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { documentClient, type DocumentClient, transact } from '../aws/dynamodb.ts';
import { userSchema, type GitHubIdentity, type Session, type User } from './model.ts';
import type {
  IdentityStore,
  LoginStateStore,
  ProfileFields,
  RegistrationResult,
  SessionStore,
  UserStore,
} from './ports.ts';
import { requiredEnv } from '../config.ts';
import { keyPrefixes } from '../keys.ts';

const PROFILE = 'PROFILE';
const SESSION = 'SESSION';
const prefix = keyPrefixes.users;

export const userKey = (username: string) => ({ pk: `${prefix.profile}${username}`, sk: PROFILE });
export const sessionKey = (tokenHash: string) => ({ pk: `${prefix.session}${tokenHash}`, sk: SESSION });

interface SessionItem {
  pk: string;
  sk: string;
  username: string;
  created_at: string;
  expires_at: string;
  expires_at_epoch: number;
}

/** A profile item: the user's fields beside the keys. github_id and github_login stay in the table. */
export function userToItem(user: User) {
  return { ...userKey(user.username), ...user };
}

/** A profile item as read: a field an item may lack (written before the field existed) gets its default. */
const userItemSchema = userSchema.extend({
  email: userSchema.shape.email.default(null),
  avatar_url: userSchema.shape.avatar_url.default(null),
});

/** Reads a profile item (extra attributes such as the keys and github_id are left out). */
export function userFromItem(item: Record<string, unknown>): User {
  return userItemSchema.parse(item);
}

/** `SET` clauses writing each of the user's fields; `created_at` only where the profile has none yet. */
function setUserFields(user: User) {
  const fields = Object.keys(user) as (keyof User)[];
  return {
    clauses: fields.map((field) =>
      field === 'created_at' ? `#${field} = if_not_exists(#${field}, :${field})` : `#${field} = :${field}`,
    ),
    names: Object.fromEntries(fields.map((field) => [`#${field}`, field])),
    values: Object.fromEntries(fields.map((field) => [`:${field}`, user[field]])),
  };
}

export class DynamoUserStore implements UserStore {
  constructor(
    private readonly tableName: string = requiredEnv('USERS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async createIfAbsent(user: User): Promise<User> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: userToItem(user),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return user;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && error.Item) {
        return userFromItem(unmarshall(error.Item));
      }
      throw error;
    }
  }

  async get(username: string): Promise<User | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: userKey(username) }),
    );
    // An account being deleted is gone for everybody from the moment its deletion began.
    return Item && Item.deleting_since === undefined ? userFromItem(Item) : undefined;
  }
}

export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly tableName: string = requiredEnv('USERS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async put(session: Session): Promise<void> {
    const item: SessionItem = {
      ...sessionKey(session.tokenHash),
      username: session.username,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
      expires_at_epoch: Math.ceil(Date.parse(session.expiresAt) / 1000),
    };
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  async get(tokenHash: string): Promise<Session | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: sessionKey(tokenHash), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const row = Item as SessionItem;
    return { tokenHash, username: row.username, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: sessionKey(tokenHash) }));
  }
}

export const identityKey = (githubId: number) => ({
  pk: `${prefix.gitHubIdentity}${githubId}`,
  sk: 'IDENTITY',
});
export const loginStateKey = (stateHash: string) => ({
  pk: `${prefix.loginState}${stateHash}`,
  sk: 'OAUTH_STATE',
});

/** The GitHub id -> username mapping, and the GitHub-provided fields of profiles. */
export class DynamoIdentityStore implements IdentityStore {
  constructor(
    private readonly tableName: string = requiredEnv('USERS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async usernameFor(githubId: number): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: identityKey(githubId), ConsistentRead: true }),
    );
    return typeof Item?.username === 'string' ? Item.username : undefined;
  }

  async register(user: User, identity: GitHubIdentity): Promise<RegistrationResult> {
    const profile = setUserFields(user);
    const reasons = await transact(
      this.db,
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...identityKey(identity.id),
                username: user.username,
                github_id: identity.id,
                created_at: user.created_at,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: this.tableName,
              Key: userKey(user.username),
              UpdateExpression: `SET ${[...profile.clauses, '#github_id = :github_id', '#github_login = :login'].join(', ')}`,
              // A new username, or a profile that POST /dev/login made (locally) without a GitHub account.
              ConditionExpression: 'attribute_not_exists(pk) OR attribute_not_exists(#github_id)',
              ExpressionAttributeNames: {
                ...profile.names,
                '#github_id': 'github_id',
                '#github_login': 'github_login',
              },
              ExpressionAttributeValues: {
                ...profile.values,
                ':github_id': identity.id,
                ':login': identity.login,
              },
            },
          },
        ],
      }),
    );
    if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return { outcome: 'identity_taken' };
    if (reasons) return { outcome: 'username_taken' };
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: userKey(user.username), ConsistentRead: true }),
    );
    return { outcome: 'registered', user: Item ? userFromItem(Item) : user };
  }

  async refresh(
    username: string,
    identity: GitHubIdentity,
    fields: ProfileFields,
  ): Promise<User | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: userKey(username),
          UpdateExpression: 'SET #name = :name, #email = :email, #avatar = :avatar, #github_login = :login',
          ConditionExpression: '#github_id = :github_id',
          ExpressionAttributeNames: {
            '#name': 'name',
            '#email': 'email',
            '#avatar': 'avatar_url',
            '#github_id': 'github_id',
            '#github_login': 'github_login',
          },
          ExpressionAttributeValues: {
            ':name': fields.name,
            ':email': fields.email,
            ':avatar': fields.avatar_url,
            ':login': identity.login,
            ':github_id': identity.id,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? userFromItem(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}

/** OAuth states of logins in progress: stored hashed, with a TTL, and deleted on their one use. */
export class DynamoLoginStateStore implements LoginStateStore {
  constructor(
    private readonly tableName: string = requiredEnv('USERS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async save(stateHash: string, expiresAt: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...loginStateKey(stateHash),
          created_at: new Date().toISOString(),
          expires_at_epoch: Math.floor(Date.parse(expiresAt) / 1000),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async consume(stateHash: string, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: loginStateKey(stateHash),
          // TTL deletion lags, so expiry is checked here too.
          ConditionExpression: 'attribute_exists(pk) AND expires_at_epoch > :now',
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
