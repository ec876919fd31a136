/**
 * The rate limiter's items in the users table (the table is shared; the limiter writes these items, and the users
 * context changes only a user item's credentials mark):
 *
 * | access pattern                        | write                                                          |
 * |---------------------------------------|----------------------------------------------------------------|
 * | count a client's request (GCRA)       | Update pk = RATE#<sha256(user or ip)>, sk = RATE, conditional  |
 * | ... while a user's credentials stand  | the same, AND credentials_mark = <the mark the gate verified>  |
 * | first charge after a lookup           | the same, SET credentials_mark = if_not_exists(.., <new mark>) |
 * | end a credential (users/dynamodb.ts)  | SET credentials_mark = <new random mark>, with the deletion    |
 *
 * Item: { pk: RATE#<sha256(user:<username> or ip:<ip>)>, sk: RATE, tat, expires_at_epoch, credentials_mark? }: a
 * client's theoretical arrival time in epoch microseconds; the TTL removes it a minute after it stops limiting
 * (see rate-limit.ts). A user's item also holds the credentials mark (shared/http/admission.ts): a removed item
 * has none, which matches no remembered mark, so its removal only costs the next request a lookup.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { CREDENTIALS_MARK, rateItemKey } from '../rate-keys.ts';
import type { MarkCondition, RateLimitStore, RateWrite } from './rate-limit.ts';

export const rateKey = rateItemKey;

/** The clause and condition a mark condition adds to a write. */
function markClauses(mark: MarkCondition | undefined): {
  set: string;
  condition: string;
  values: Record<string, string>;
} {
  if (!mark) return { set: '', condition: '', values: {} };
  if ('expect' in mark) return { set: '', condition: ' AND #mark = :mark', values: { ':mark': mark.expect } };
  return { set: ', #mark = if_not_exists(#mark, :mark)', condition: '', values: { ':mark': mark.issue } };
}

/** The GCRA limiter's items: one conditional UpdateItem per attempt (see rate-limit.ts). */
export class DynamoRateLimitStore implements RateLimitStore {
  constructor(
    private readonly tableName: string,
    private readonly db: DocumentClient = documentClient(),
  ) {}
  async restart(
    key: string,
    now: number,
    interval: number,
    expiresAtEpoch: number,
    mark?: MarkCondition,
  ): Promise<RateWrite> {
    const clauses = markClauses(mark);
    return this.update(key, mark, {
      UpdateExpression: `SET #tat = :next, #expires = :expires${clauses.set}`,
      ConditionExpression: withMark('attribute_not_exists(#tat) OR #tat < :now', clauses.condition),
      ExpressionAttributeValues: {
        ':next': now + interval,
        ':now': now,
        ':expires': expiresAtEpoch,
        ...clauses.values,
      },
      fallbackTat: now + interval,
    });
  }

  async advance(
    key: string,
    now: number,
    interval: number,
    tolerance: number,
    expiresAtEpoch: number,
    mark?: MarkCondition,
  ): Promise<RateWrite> {
    const clauses = markClauses(mark);
    return this.update(key, mark, {
      UpdateExpression: `SET #tat = #tat + :interval, #expires = :expires${clauses.set}`,
      ConditionExpression: withMark('#tat BETWEEN :now AND :latest', clauses.condition),
      ExpressionAttributeValues: {
        ':interval': interval,
        ':now': now,
        ':latest': now + tolerance,
        ':expires': expiresAtEpoch,
        ...clauses.values,
      },
      fallbackTat: now + interval,
    });
  }

  private async update(
    key: string,
    mark: MarkCondition | undefined,
    input: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeValues: Record<string, number | string>;
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
          ExpressionAttributeNames: {
            '#tat': 'tat',
            '#expires': 'expires_at_epoch',
            ...(mark ? { '#mark': CREDENTIALS_MARK } : {}),
          },
          ExpressionAttributeValues: input.ExpressionAttributeValues,
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const tat = result?.Attributes?.tat;
      return {
        applied: true,
        tat: typeof tat === 'number' ? tat : input.fallbackTat,
        ...(mark
          ? { mark: markOf(result?.Attributes) ?? ('expect' in mark ? mark.expect : mark.issue) }
          : {}),
      };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const old = error.Item ? unmarshall(error.Item) : undefined;
      return {
        applied: false,
        tat: typeof old?.tat === 'number' ? old.tat : undefined,
        ...(mark ? { mark: markOf(old) } : {}),
      };
    }
  }
}

/** The limiter's condition, and the mark's after it when there is one. */
function withMark(condition: string, markCondition: string): string {
  return markCondition ? `(${condition})${markCondition}` : condition;
}

function markOf(item: Record<string, unknown> | undefined): string | undefined {
  const mark = item?.[CREDENTIALS_MARK];
  return typeof mark === 'string' ? mark : undefined;
}
