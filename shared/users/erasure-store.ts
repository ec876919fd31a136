import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchDelete, documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import { identityKey, userKey } from './dynamodb.ts';
import type { AccountStore, ChunkOutcome } from './ports.ts';

/** Items of the user's partition, besides the profile, deleted per chunk. */
const ITEMS_PER_CHUNK = 250;

/**
 * The users table's side of deleting an account (see the table's design in shared/users/dynamodb.ts): the
 * profile's `deleting_since` mark, and the account's erasure, its GitHub identity mapping first and its profile
 * last, each delete conditioned so that it can never take a new account of the same name.
 */
export class DynamoAccountStore implements AccountStore {
  constructor(
    private readonly tableName: string = requiredEnv('USERS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async markDeleting(username: string, since: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: userKey(username),
          UpdateExpression: 'SET deleting_since = if_not_exists(deleting_since, :since)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':since': since },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async state(username: string): Promise<'active' | 'deleting' | 'absent'> {
    const profile = await this.profile(username);
    if (!profile) return 'absent';
    return profile.deleting_since === undefined ? 'active' : 'deleting';
  }

  async eraseChunk(username: string): Promise<ChunkOutcome> {
    const profile = await this.profile(username);
    if (!profile) return { done: true };
    if (profile.deleting_since === undefined) throw new Error(`${username} is not being deleted`);
    if (typeof profile.github_id === 'number') {
      await this.deleteIf(identityKey(profile.github_id), 'username = :username', { ':username': username });
    }
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': userKey(username).pk },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
        Limit: ITEMS_PER_CHUNK,
      }),
    );
    const others = Items.filter((item) => item.sk !== userKey(username).sk);
    await batchDelete(
      this.db,
      this.tableName,
      others.map((item) => ({ pk: item.pk as string, sk: item.sk as string })),
    );
    if (LastEvaluatedKey !== undefined) return { done: false };
    await this.deleteIf(userKey(username), 'attribute_exists(deleting_since)', {});
    return { done: true };
  }

  private async profile(username: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: userKey(username),
        ProjectionExpression: 'pk, deleting_since, github_id',
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  /** A delete whose condition fails finds the item gone or another's: nothing to do. */
  private async deleteIf(
    key: Record<string, string>,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: condition,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
