/**
 * The rate limiter's items in the users table (the table is shared; the limiter writes these items, and the users
 * context changes only a user item's credentials mark):
 *
 * | access pattern                        | write                                                          |
 * |---------------------------------------|----------------------------------------------------------------|
 * | claim a client's requests (GCRA)      | Update pk = RATE#<sha256(user or ip)>, sk = RATE, conditional  |
 * | ... while a user's credentials stand  | the same, AND credentials_mark = <the mark the gate verified>  |
 * | first charge after a lookup           | the same, SET credentials_mark = if_not_exists(.., <new mark>) |
 * | a request spent from a claim: is the  | GetItem pk = RATE#<sha256(user)>, sk = RATE, consistent,       |
 * | user's mark still the one verified?   | projecting credentials_mark                                    |
 * | end a credential (users/dynamodb.ts)  | SET credentials_mark = <new random mark>, with the deletion    |
 *
 * Item: { pk: RATE#<sha256(user:<username> or ip:<ip>)>, sk: RATE, tat, expires_at_epoch, credentials_mark? }: a
 * client's theoretical arrival time in epoch microseconds; the TTL removes it a minute after it stops limiting
 * (see rate-limit.ts). A user's item also holds the credentials mark (shared/http/admission.ts): a removed item
 * has none, which matches no remembered mark, so its removal only costs the next request a lookup.
 */
import {
  ConditionalCheckFailedException,
  type AttributeValue,
  type CancellationReason,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { CREDENTIALS_MARK, rateItemKey } from '../rate-keys.ts';
import type { MarkCondition, RateLimitStore, RatePlan, RateWrite } from './rate-limit.ts';

export const rateKey = rateItemKey;

/** A write as the store makes it: the limiter's plan, whose interval and tolerance already say what it claims. */
type PlannedWrite = Omit<RatePlan, 'count'>;

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

/** The GCRA limiter's items: one conditional UpdateItem per claim attempt, one GetItem per mark read (see rate-limit.ts). */
export class DynamoRateLimitStore implements RateLimitStore {
  constructor(
    private readonly tableName: string,
    private readonly db: DocumentClient = documentClient(),
  ) {}

  restart(
    key: string,
    now: number,
    interval: number,
    expiresAtEpoch: number,
    mark?: MarkCondition,
  ): Promise<RateWrite> {
    return this.update({
      kind: 'restart',
      key,
      now,
      interval,
      tolerance: 0,
      expiresAtEpoch,
      mark,
      attempt: 0,
    });
  }

  advance(
    key: string,
    now: number,
    interval: number,
    tolerance: number,
    expiresAtEpoch: number,
    mark?: MarkCondition,
  ): Promise<RateWrite> {
    return this.update({ kind: 'advance', key, now, interval, tolerance, expiresAtEpoch, mark, attempt: 0 });
  }

  async markOf(key: string): Promise<string | undefined> {
    const result = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: rateKey(key),
        ConsistentRead: true,
        ProjectionExpression: '#mark',
        ExpressionAttributeNames: { '#mark': CREDENTIALS_MARK },
      }),
    );
    return markOf(result?.Item);
  }

  /** The same conditional update as an item of a transaction, which may span the request's own tables. */
  inTransaction(plan: RatePlan): { item: unknown; refusal(reason: unknown): RateWrite } {
    return {
      item: { Update: this.updateOf(plan) },
      refusal: (reason) => refusedWrite(plan, (reason as CancellationReason).Item),
    };
  }

  /** The conditional UpdateItem of a plan: restart or advance the tat, and the mark's clause. */
  private updateOf(plan: PlannedWrite) {
    const { mark } = plan;
    const clauses = markClauses(mark);
    const restart = plan.kind === 'restart';
    return {
      TableName: this.tableName,
      Key: rateKey(plan.key),
      UpdateExpression: restart
        ? `SET #tat = :next, #expires = :expires${clauses.set}`
        : `SET #tat = #tat + :interval, #expires = :expires${clauses.set}`,
      ConditionExpression: withMark(
        restart ? 'attribute_not_exists(#tat) OR #tat < :now' : '#tat BETWEEN :now AND :latest',
        clauses.condition,
      ),
      ExpressionAttributeNames: {
        '#tat': 'tat',
        '#expires': 'expires_at_epoch',
        ...(mark ? { '#mark': CREDENTIALS_MARK } : {}),
      },
      ExpressionAttributeValues: {
        ...(restart
          ? { ':next': plan.now + plan.interval }
          : { ':interval': plan.interval, ':latest': plan.now + plan.tolerance }),
        ':now': plan.now,
        ':expires': plan.expiresAtEpoch,
        ...clauses.values,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  private async update(plan: PlannedWrite): Promise<RateWrite> {
    const { mark } = plan;
    try {
      const result = await this.db.send(
        new UpdateCommand({ ...this.updateOf(plan), ReturnValues: 'UPDATED_NEW' }),
      );
      const tat = result?.Attributes?.tat;
      return {
        applied: true,
        tat: typeof tat === 'number' ? tat : plan.now + plan.interval,
        ...(mark
          ? { mark: markOf(result?.Attributes) ?? ('expect' in mark ? mark.expect : mark.issue) }
          : {}),
      };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return refusedWrite(plan, error.Item);
    }
  }
}

/** A write refused by its condition, with what the item held (DynamoDB's ALL_OLD, when it sent it). */
function refusedWrite(plan: PlannedWrite, oldItem: Record<string, AttributeValue> | undefined): RateWrite {
  const old = oldItem ? unmarshall(oldItem) : undefined;
  return {
    applied: false,
    tat: typeof old?.tat === 'number' ? old.tat : undefined,
    ...(plan.mark ? { mark: markOf(old) } : {}),
  };
}

/** The limiter's condition, and the mark's after it when there is one. */
function withMark(condition: string, markCondition: string): string {
  return markCondition ? `(${condition})${markCondition}` : condition;
}

function markOf(item: Record<string, unknown> | undefined): string | undefined {
  const mark = item?.[CREDENTIALS_MARK];
  return typeof mark === 'string' ? mark : undefined;
}
