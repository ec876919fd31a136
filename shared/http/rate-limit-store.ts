/**
 * The rate limiter's items in the users table (the table is shared; these items belong to the limiter alone):
 *
 * | access pattern                        | write                                                          |
 * |---------------------------------------|----------------------------------------------------------------|
 * | count a client's request (GCRA)       | Update pk = RATE#<sha256(user or ip)>, sk = RATE, conditional  |
 *
 * Item: { pk: RATE#<sha256(user:<username> or ip:<ip>)>, sk: RATE, tat, expires_at_epoch }: a client's theoretical
 * arrival time in epoch microseconds; the TTL removes it a minute after it stops limiting (see rate-limit.ts).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { keyPrefixes } from '../keys.ts';
import type { RateLimitStore, RateWrite } from './rate-limit.ts';

export const rateKey = (keyHash: string) => ({ pk: `${keyPrefixes.users.rate}${keyHash}`, sk: 'RATE' });

/** The GCRA limiter's items: one conditional UpdateItem per attempt (see rate-limit.ts). */
export class DynamoRateLimitStore implements RateLimitStore {
  constructor(
    private readonly tableName: string,
    private readonly db: DocumentClient = documentClient(),
  ) {}
  async restart(key: string, now: number, interval: number, expiresAtEpoch: number): Promise<RateWrite> {
    return this.update(key, {
      UpdateExpression: 'SET #tat = :next, #expires = :expires',
      ConditionExpression: 'attribute_not_exists(#tat) OR #tat < :now',
      ExpressionAttributeValues: { ':next': now + interval, ':now': now, ':expires': expiresAtEpoch },
      fallbackTat: now + interval,
    });
  }

  async advance(
    key: string,
    now: number,
    interval: number,
    tolerance: number,
    expiresAtEpoch: number,
  ): Promise<RateWrite> {
    return this.update(key, {
      UpdateExpression: 'SET #tat = #tat + :interval, #expires = :expires',
      ConditionExpression: '#tat BETWEEN :now AND :latest',
      ExpressionAttributeValues: {
        ':interval': interval,
        ':now': now,
        ':latest': now + tolerance,
        ':expires': expiresAtEpoch,
      },
      fallbackTat: now + interval,
    });
  }

  private async update(
    key: string,
    input: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeValues: Record<string, number>;
      fallbackTat: number;
    },
  ): Promise<RateWrite> {
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: rateKey(key),
          UpdateExpression: input.UpdateExpression,
          ConditionExpression: input.ConditionExpression,
          ExpressionAttributeNames: { '#tat': 'tat', '#expires': 'expires_at_epoch' },
          ExpressionAttributeValues: input.ExpressionAttributeValues,
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const tat = result?.Attributes?.tat;
      return { applied: true, tat: typeof tat === 'number' ? tat : input.fallbackTat };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const old = error.Item ? unmarshall(error.Item) : undefined;
      return { applied: false, tat: typeof old?.tat === 'number' ? old.tat : undefined };
    }
  }
}
