/**
 * The users table: people and their sessions.
 *
 * | access pattern                 | key condition                                  |
 * |--------------------------------|------------------------------------------------|
 * | get a user by username         | pk = USER#<username>, sk = PROFILE             |
 * | create a user unless it exists | Put, condition attribute_not_exists(pk)        |
 * | find a session by token hash   | pk = SESSION#<sha256(token)>, sk = SESSION (consistent read) |
 * | revoke a session               | Delete pk = SESSION#<hash>, sk = SESSION       |
 *
 * Item shapes:
 * - profile: { pk, sk, username, name, email, avatar_url, created_at }
 * - session: { pk, sk, username, created_at, expires_at, expires_at_epoch } where expires_at_epoch is the
 *   TTL attribute, so DynamoDB removes expired sessions by itself. Expiry is still checked on every read,
 *   since TTL deletion can lag by days.
 * No index: every pattern is a direct key lookup.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { documentClient, guarded, requiredEnv } from '../aws/dynamodb.ts';
import type { Session, User } from './model.ts';
import type { SessionStore, UserStore } from './ports.ts';

const PROFILE = 'PROFILE';
const SESSION = 'SESSION';

export const userKey = (username: string) => ({ pk: `USER#${username}`, sk: PROFILE });
export const sessionKey = (tokenHash: string) => ({ pk: `SESSION#${tokenHash}`, sk: SESSION });

interface UserItem {
  pk: string;
  sk: string;
  username: string;
  name: string;
  email: string | null;
  avatar_url: string | null;
  created_at: string;
}

interface SessionItem {
  pk: string;
  sk: string;
  username: string;
  created_at: string;
  expires_at: string;
  expires_at_epoch: number;
}

export function userToItem(user: User): UserItem {
  return {
    ...userKey(user.username),
    username: user.username,
    name: user.name,
    email: user.email,
    avatar_url: user.avatarUrl,
    created_at: user.createdAt,
  };
}

export function userFromItem(item: Record<string, unknown>): User {
  const row = item as unknown as UserItem;
  return {
    username: row.username,
    name: row.name,
    email: row.email ?? null,
    avatarUrl: row.avatar_url ?? null,
    createdAt: row.created_at,
  };
}

export class DynamoUserStore implements UserStore {
  constructor(
    private readonly tableName: string = requiredEnv('USERS_TABLE'),
    private readonly db: DynamoDBDocumentClient = documentClient(),
  ) {}

  async createIfAbsent(user: User): Promise<User> {
    try {
      await guarded(() =>
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: userToItem(user),
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
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
    const { Item } = await guarded(() =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: userKey(username) })),
    );
    return Item ? userFromItem(Item) : undefined;
  }
}

export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly tableName: string = requiredEnv('USERS_TABLE'),
    private readonly db: DynamoDBDocumentClient = documentClient(),
  ) {}

  async put(session: Session): Promise<void> {
    const item: SessionItem = {
      ...sessionKey(session.tokenHash),
      username: session.username,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
      expires_at_epoch: Math.ceil(Date.parse(session.expiresAt) / 1000),
    };
    await guarded(() => this.db.send(new PutCommand({ TableName: this.tableName, Item: item })));
  }

  async get(tokenHash: string): Promise<Session | undefined> {
    const { Item } = await guarded(() =>
      this.db.send(
        new GetCommand({ TableName: this.tableName, Key: sessionKey(tokenHash), ConsistentRead: true }),
      ),
    );
    if (!Item) return undefined;
    const row = Item as SessionItem;
    return { tokenHash, username: row.username, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  async delete(tokenHash: string): Promise<void> {
    await guarded(() =>
      this.db.send(new DeleteCommand({ TableName: this.tableName, Key: sessionKey(tokenHash) })),
    );
  }
}
