import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DocumentClient } from '../../../shared/aws/dynamodb.ts';
import { Unavailable } from '../../../shared/errors.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const db = new DocumentClient(new DynamoDBClient({ region: 'us-east-1' }));
const get = new GetCommand({ TableName: 'links', Key: { pk: 'USER#alice', sk: 'PROFILE' } });

const awsError = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, $fault: 'client', ...extra });

beforeEach(() => dynamo.reset());

describe('DocumentClient: the one place where DynamoDB failures become domain errors', () => {
  it.each([
    ['throttling', awsError('ThrottlingException')],
    ['exceeded throughput', awsError('ProvisionedThroughputExceededException')],
    ['a server fault', awsError('SomethingBroke', { $fault: 'server' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
  ])('given %s after the SDK retries, when sent, then Unavailable', async (_, error) => {
    dynamo.on(GetCommand).rejects(error);

    await expect(db.send(get)).rejects.toBeInstanceOf(Unavailable);
  });

  it.each([
    [
      'a failed condition',
      new ConditionalCheckFailedException({ message: 'no', $metadata: {} }),
      ConditionalCheckFailedException,
    ],
    [
      'a cancelled transaction',
      new TransactionCanceledException({ message: 'no', $metadata: {}, CancellationReasons: [] }),
      TransactionCanceledException,
    ],
    ['a validation error', awsError('ValidationException'), Error],
  ])(
    'given %s, when sent, then it arrives untranslated for the adapter to handle',
    async (_, error, type) => {
      dynamo.on(GetCommand).rejects(error);

      const failure = await db.send(get).catch((caught: unknown) => caught);

      expect(failure).toBe(error);
      expect(failure).toBeInstanceOf(type);
    },
  );

  it('given a paginator whose second page is throttled, when read, then Unavailable', async () => {
    dynamo
      .resolvesOnce({ Items: [{ pk: 'a' }], LastEvaluatedKey: { pk: 'a' } })
      .rejects(awsError('ThrottlingException'));
    const pages = paginateQuery({ client: db }, { TableName: 'links', KeyConditionExpression: 'pk = :pk' });

    const read = async () => {
      for await (const page of pages) expect(page.Items).toEqual([{ pk: 'a' }]);
    };

    await expect(read()).rejects.toBeInstanceOf(Unavailable);
  });

  it('given a successful call, when sent, then its answer comes back unchanged', async () => {
    dynamo.on(GetCommand).resolves({ Item: { pk: 'USER#alice' } });

    expect(await db.send(get)).toEqual({ Item: { pk: 'USER#alice' } });
  });
});
