import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DocumentClient } from '../../../shared/aws/dynamodb.ts';
import { ObjectClient } from '../../../shared/aws/s3.ts';
import { Sha256 } from '../../../shared/aws/sha256.ts';
import { QueueClient } from '../../../shared/aws/sqs.ts';
import { withoutSdkLogger } from '../../../shared/aws/transport.ts';
import { idempotencyClient } from '../../../shared/http/idempotency.ts';

const middlewareOf = (client: { middlewareStack: { identify(): string[] } }) =>
  client.middlewareStack.identify().map((entry) => entry.split(' ')[0]);

describe("the functions' AWS SDK clients: no logger middleware, which would filter every call for a logger that logs nothing, and a signing hash over KeyObjects (sha256.test.ts)", () => {
  it('given a plain SDK client, then it has the logger middleware (what the functions remove)', () => {
    expect(middlewareOf(new DynamoDBClient({ region: 'us-east-1' }))).toContain('loggerMiddleware');
  });

  it.each([
    ['the adapters’ document client', () => new DocumentClient()],
    ['the queue client', () => new QueueClient({ region: 'us-east-1' })],
    ['the object client', () => new ObjectClient({ region: 'us-east-1' })],
    ['the idempotency layer’s client', () => idempotencyClient()],
  ])(
    'given %s, then it has no logger middleware, still serializes its requests, and signs with a KeyObject',
    (_, made) => {
      const client = made();
      const middleware = middlewareOf(client);

      expect(middleware).not.toContain('loggerMiddleware');
      expect(middleware).toContain('serializerMiddleware');
      expect(client.config.sha256).toBe(Sha256);
    },
  );

  it('given a client, when its logger middleware is removed, then the client is the same one, for chaining', () => {
    const client = new DynamoDBClient({ region: 'us-east-1' });

    expect(withoutSdkLogger(client)).toBe(client);
    expect(middlewareOf(client)).not.toContain('loggerMiddleware');
  });
});
