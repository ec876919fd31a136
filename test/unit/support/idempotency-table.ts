import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach } from 'vitest';
import { conditionFailed } from './dynamo.ts';

type Item = Record<string, unknown>;
type Values = Record<string, AttributeValue>;

/**
 * The idempotency table as Powertools Idempotency uses it, in memory, behind a mocked DynamoDB client: its
 * conditional PutItem (free when the id is new, expired, or in progress past its in-progress expiry, judged by
 * `Date.now()` as DynamoDB judges the `:now` Powertools sends), its consistent GetItem, the SET UpdateItem of the
 * answer and the DeleteItem of a failed request. `items` is the table, by id.
 */
export function useMockedIdempotencyTable() {
  const dynamo = mockClient(DynamoDBClient);
  const items = new Map<string, Item>();
  const idOf = (key: Values | undefined) => unmarshall(key ?? {}).id as string;

  beforeEach(() => {
    dynamo.reset();
    items.clear();
    dynamo.on(PutItemCommand).callsFake((input: { Item: Values }) => {
      const item = unmarshall(input.Item);
      const old = items.get(item.id as string);
      const now = Date.now();
      const free =
        !old ||
        (old.expiration as number) < now / 1000 ||
        (old.status === 'INPROGRESS' &&
          old.in_progress_expiration !== undefined &&
          (old.in_progress_expiration as number) < now);
      if (!free) throw conditionFailed(old);
      items.set(item.id as string, item);
      return {};
    });
    dynamo.on(GetItemCommand).callsFake((input: { Key: Values }) => {
      const item = items.get(idOf(input.Key));
      return item ? { Item: marshall(item) } : {};
    });
    dynamo
      .on(UpdateItemCommand)
      .callsFake(
        (input: {
          Key: Values;
          UpdateExpression: string;
          ExpressionAttributeNames: Record<string, string>;
          ExpressionAttributeValues: Values;
        }) => {
          const id = idOf(input.Key);
          const values = unmarshall(input.ExpressionAttributeValues);
          const item: Item = { ...items.get(id), id };
          for (const assignment of input.UpdateExpression.replace(/^SET /, '').split(', ')) {
            const [name, value] = assignment.split(' = ') as [string, string];
            item[input.ExpressionAttributeNames[name]!] = values[value];
          }
          items.set(id, item);
          return {};
        },
      );
    dynamo.on(DeleteItemCommand).callsFake((input: { Key: Values }) => {
      items.delete(idOf(input.Key));
      return {};
    });
  });
  afterAll(() => dynamo.restore());

  return {
    dynamo,
    items,
    /** The writes sent so far: each PutItem, UpdateItem and DeleteItem. */
    writes: () =>
      dynamo.commandCalls(PutItemCommand).length +
      dynamo.commandCalls(UpdateItemCommand).length +
      dynamo.commandCalls(DeleteItemCommand).length,
  };
}
