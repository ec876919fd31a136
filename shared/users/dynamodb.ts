/**
 * The users table: people, their GitHub identities, their credentials (login sessions and personal tokens) and
 * login states. The rate limiter's items share the table and have their own adapter
 * (shared/http/rate-limit-store.ts).
 *
 * | access pattern                        | key condition / write                                          |
 * |---------------------------------------|----------------------------------------------------------------|
 * | get a user by username                | pk = USER#<username>, sk = PROFILE                             |
 * | create a user unless it exists        | Put, condition attribute_not_exists(pk)                        |
 * | find a credential by its secret's hash| pk = SESSION#<sha256(token)>, sk = SESSION (consistent read)   |
 * | issue a credential (session or token) | TransactWriteItems: ConditionCheck profile attribute_exists(pk)|
 * |                                       | AND attribute_not_exists(deleting_since) + Put lookup item +   |
 * |                                       | Put list item (+ Delete both items of each session past cap)   |
 * | list a user's credentials             | Query pk = USER#<username>, begins_with(sk, TOKEN#), consistent|
 * |                                       | then BatchGetItem of their lookup items (last_used_at)         |
 * | find one of them by id                | pk = USER#<username>, sk = TOKEN#<token id> (consistent read)  |
 * | end a credential                      | TransactWriteItems: Delete lookup item + Delete list item +    |
 * |                                       | Update the user's rate item SET credentials_mark = <random>    |
 * | end all of a user's credentials       | the listing, then BatchWriteItem deletes of both items of each,|
 * |                                       | then the same mark change (also in a login that ends sessions) |
 * | note a credential's use (1/minute)    | Update lookup item SET last_used_at if attribute_exists(pk)    |
 * |                                       | AND (attribute_not_exists(last_used_at) OR last_used_at < :m)  |
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
 * - credential, two items written and deleted together (one transaction), so that a user's credentials can be
 *   listed and each one found by its secret:
 *   - lookup item: { pk: SESSION#<sha256(token)>, sk: SESSION, username, token_id, scope, name, created_at,
 *     expires_at, expires_at_epoch?, last_used_at? }: what the gate reads on a credential's first request to
 *     an instance (one consistent GetItem); after that the instance charges the user's rate item on condition
 *     of the user's credentials mark, which every end of a credential changes (shared/http/admission.ts). scope is `session` (a login) or `read`, `write`, `feed` (a personal token); expires_at is null
 *     (and expires_at_epoch absent) for a personal token without expiry. expires_at_epoch is the TTL attribute,
 *     so DynamoDB removes expired credentials by itself; expiry is still checked on every read, since TTL
 *     deletion can lag by days. last_used_at is written at most once a minute per credential (a conditional
 *     update beside the rate limiter's), never on every request. A lookup item without token_id (a session
 *     issued before personal tokens existed) does not authenticate: its user signs in again.
 *   - list item: { pk: USER#<username>, sk: TOKEN#<token id>, token_id, token_hash, scope, name, created_at,
 *     expires_at, expires_at_epoch? }: in the owner's partition, beside the profile.
 *   Creation is conditional on the profile (live, no `deleting_since`, which the account's deletion sets before
 *   it ends every credential), so a credential exists only for a live user. MAX_SESSIONS_PER_USER live sessions
 *   at most: a login past it ends the oldest in the same transaction. Personal tokens: at most
 *   MAX_PERSONAL_TOKENS live ones (shared/users/tokens.ts).
 * - identity: { pk: GITHUB#<id>, sk: IDENTITY, username, github_id, created_at }: the GitHub id -> username
 *   mapping. A renamed GitHub account keeps its id, so it stays the same user with the same username; the
 *   username never changes, since links and follows are keyed by it.
 * - login state: { pk: OAUTH_STATE#<sha256(state)>, sk: OAUTH_STATE, created_at, expires_at_epoch }: the
 *   state of a login in progress, 10 minutes, deleted on use, so a callback cannot be replayed.
 * Raw access tokens, OAuth states, client IPs and GitHub tokens are never stored: only hashes, or nothing.
 * No index: every pattern is a direct key lookup or a query of one partition.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  batchDelete,
  batchGetConsistent,
  documentClient,
  type DocumentClient,
  transact,
} from '../aws/dynamodb.ts';
import { credentialSchema, userSchema, type Credential, type GitHubIdentity, type User } from './model.ts';
import * as z from '../zod.ts';
import type {
  CredentialStore,
  IdentityStore,
  LoginStateStore,
  ProfileFields,
  RegistrationResult,
  UserStore,
} from './ports.ts';
import { requiredEnv } from '../config.ts';
import { keyPrefixes } from '../keys.ts';
import { CREDENTIALS_MARK, rateItemKey, rateKeyForUser } from '../rate-keys.ts';
import { randomBytes } from 'node:crypto';

/** A mark written alone (no rate item yet) is kept this long; the limiter's writes set its TTL afterwards. */
const MARK_KEPT_SECONDS = 24 * 60 * 60;
const PROFILE = 'PROFILE';
const SESSION = 'SESSION';
const TOKEN = 'TOKEN#';
const prefix = keyPrefixes.users;

export const userKey = (username: string) => ({ pk: `${prefix.profile}${username}`, sk: PROFILE });
/** A credential's lookup item, by its secret's hash (named for the sessions that came first). */
export const sessionKey = (tokenHash: string) => ({ pk: `${prefix.session}${tokenHash}`, sk: SESSION });
/** A credential's item in its owner's list. */
export const tokenListKey = (username: string, tokenId: string) => ({
  pk: userKey(username).pk,
  sk: `${TOKEN}${tokenId}`,
});

/** The TTL attribute of an expiring credential; none for one without expiry. */
function expiryOf(credential: Credential) {
  return credential.expires_at === null
    ? {}
    : { expires_at_epoch: Math.ceil(Date.parse(credential.expires_at) / 1000) };
}

/** The lookup item: what the gate needs, found by the hash (which is its key, so not repeated). */
export function credentialToLookupItem(credential: Credential) {
  const { token_hash, last_used_at, ...fields } = credential;
  return {
    ...sessionKey(token_hash),
    ...fields,
    ...expiryOf(credential),
    ...(last_used_at !== null ? { last_used_at } : {}),
  };
}

/** The owner's list item: everything but the username (its partition) and the last use (on the lookup item). */
export function credentialToListItem(credential: Credential) {
  const { username, last_used_at: _lastUsed, ...fields } = credential;
  return { ...tokenListKey(username, credential.token_id), ...fields, ...expiryOf(credential) };
}

const lookupItemSchema = z.extend(z.omit(credentialSchema, { token_hash: true }), {
  last_used_at: z._default(credentialSchema.shape.last_used_at, null),
});
const listItemSchema = z.omit(credentialSchema, { username: true, last_used_at: true });

/** A lookup item as read; undefined for one that is not a credential's (a session from before token ids). */
export function credentialFromLookupItem(
  tokenHash: string,
  item: Record<string, unknown>,
): Credential | undefined {
  const parsed = lookupItemSchema.safeParse(item);
  return parsed.success ? { ...parsed.data, token_hash: tokenHash } : undefined;
}

function credentialFromListItem(username: string, item: Record<string, unknown>): Credential {
  return { ...listItemSchema.parse(item), username, last_used_at: null };
}

/** A profile item: the user's fields beside the keys. github_id and github_login stay in the table. */
export function userToItem(user: User) {
  return { ...userKey(user.username), ...user };
}

/** A profile item as read: a field an item may lack (written before the field existed) gets its default. */
const userItemSchema = z.extend(userSchema, {
  email: z._default(userSchema.shape.email, null),
  avatar_url: z._default(userSchema.shape.avatar_url, null),
});

/** Reads a profile item (extra attributes such as the keys and github_id are left out). */
function userFromItem(item: Record<string, unknown>): User {
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

export class DynamoCredentialStore implements CredentialStore {
  constructor(
    private readonly tableName: string = requiredEnv('USERS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async create(credential: Credential, ended: readonly Credential[]): Promise<boolean> {
    const reasons = await transact(
      this.db,
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: this.tableName,
              Key: userKey(credential.username),
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleting_since)',
            },
          },
          { Put: { TableName: this.tableName, Item: credentialToLookupItem(credential) } },
          { Put: { TableName: this.tableName, Item: credentialToListItem(credential) } },
          ...ended.flatMap((old) =>
            this.keysOf(old).map((Key) => ({ Delete: { TableName: this.tableName, Key } })),
          ),
          ...(ended.length > 0 ? [{ Update: this.markChange(credential.username) }] : []),
        ],
      }),
    );
    return reasons === undefined;
  }

  async get(tokenHash: string): Promise<Credential | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: sessionKey(tokenHash), ConsistentRead: true }),
    );
    return Item ? credentialFromLookupItem(tokenHash, Item) : undefined;
  }

  async find(username: string, tokenId: string): Promise<Credential | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: tokenListKey(username, tokenId),
        ConsistentRead: true,
      }),
    );
    return Item ? credentialFromListItem(username, Item) : undefined;
  }

  async list(username: string, withLastUse = false): Promise<Credential[]> {
    const listed: Credential[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :token)',
          ExpressionAttributeValues: { ':pk': userKey(username).pk, ':token': TOKEN },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      listed.push(...(page.Items ?? []).map((item) => credentialFromListItem(username, item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    if (!withLastUse) return listed;
    const lastUsed = await this.lastUsedOf(listed.map((credential) => credential.token_hash));
    return listed.map((credential) => ({
      ...credential,
      last_used_at: lastUsed.get(credential.token_hash) ?? null,
    }));
  }

  /** The `last_used_at` of each lookup item that has one, by hash. */
  private async lastUsedOf(tokenHashes: string[]): Promise<Map<string, string>> {
    const items = await batchGetConsistent(this.db, this.tableName, tokenHashes.map(sessionKey), [
      'pk',
      'last_used_at',
    ]);
    return new Map(
      items.flatMap((item) =>
        typeof item.last_used_at === 'string'
          ? [[String(item.pk).slice(prefix.session.length), item.last_used_at] as const]
          : [],
      ),
    );
  }

  async delete(credentials: readonly Credential[]): Promise<void> {
    if (credentials.length === 1) {
      // One credential: both items and the mark at once, so that it is never half there.
      const credential = credentials[0]!;
      await transact(
        this.db,
        new TransactWriteCommand({
          TransactItems: [
            ...this.keysOf(credential).map((Key) => ({ Delete: { TableName: this.tableName, Key } })),
            { Update: this.markChange(credential.username) },
          ],
        }),
      );
      return;
    }
    // Many (logout everywhere, the account's deletion): in batches; the lookup items go with their list items,
    // and the marks change after them, so that a gate that reads a new mark finds the credentials gone.
    await batchDelete(
      this.db,
      this.tableName,
      credentials.flatMap((credential) => this.keysOf(credential)),
    );
    for (const username of new Set(credentials.map((credential) => credential.username))) {
      await this.db.send(new UpdateCommand(this.markChange(username)));
    }
  }

  /**
   * A new random credentials mark on the user's rate item: every gate that remembered one of the user's
   * credentials under the old mark looks it up again (shared/http/admission.ts). The item gets a TTL if it has
   * none (a lone mark matters only while gates remember it; a removed one matches no remembered mark).
   */
  private markChange(username: string) {
    return {
      TableName: this.tableName,
      Key: rateItemKey(rateKeyForUser(username)),
      UpdateExpression: 'SET #mark = :mark, #expires = if_not_exists(#expires, :expires)',
      ExpressionAttributeNames: { '#mark': CREDENTIALS_MARK, '#expires': 'expires_at_epoch' },
      ExpressionAttributeValues: {
        ':mark': randomBytes(12).toString('base64url'),
        ':expires': Math.ceil(Date.now() / 1000) + MARK_KEPT_SECONDS,
      },
    };
  }

  async markUsed(tokenHash: string, at: string, notBefore: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sessionKey(tokenHash),
          UpdateExpression: 'SET #last_used_at = :at',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(#last_used_at) OR #last_used_at < :not_before)',
          ExpressionAttributeNames: { '#last_used_at': 'last_used_at' },
          ExpressionAttributeValues: { ':at': at, ':not_before': notBefore },
        }),
      );
    } catch (error) {
      // Another request noted a use within the minute, or the credential is gone: nothing to note.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private keysOf(credential: Credential) {
    return [sessionKey(credential.token_hash), tokenListKey(credential.username, credential.token_id)];
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
