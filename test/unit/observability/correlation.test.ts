import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { QueueClient, sendInBatches } from '../../../shared/aws/sqs.ts';
import { currentCorrelationId, withCorrelationId } from '../../../shared/correlation.ts';
import { queueHandler, streamHandler } from '../../../shared/events/batch.ts';
import { aLambdaContext, anApiEvent } from '../../support/builders.ts';
import { call, stubFunctionEnvironment } from '../support/http.ts';
import { useInMemoryServices } from '../support/services.ts';

const sqs = mockClient(SQSClient);
beforeEach(() => sqs.reset());
afterAll(() => sqs.restore());
const queue = new QueueClient({ region: 'us-east-1' });
useInMemoryServices();

const aQueueRecord = (overrides: Partial<SQSRecord> = {}): SQSRecord => ({
  messageId: 'message-1',
  receiptHandle: 'receipt',
  body: '{}',
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'sender',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:feedWrites',
  awsRegion: 'us-east-1',
  ...overrides,
});

describe('an HTTP request: its correlation id', () => {
  it("given a well-formed x-request-id, when answered, then the answer carries the caller's id", async () => {
    stubFunctionEnvironment();
    const { handler } = await import('../../../functions/ops/healthz.ts');
    const event = anApiEvent({ path: '/healthz', headers: { 'x-request-id': 'client-trace-0001' } });

    const result = await handler(event, aLambdaContext());

    expect(result.statusCode).toBe(200);
    expect(result.headers?.['x-request-id']).toBe('client-trace-0001');
  });

  it("given an x-request-id that could forge a log line, when answered, then the gateway's request id instead", async () => {
    stubFunctionEnvironment();
    const { handler } = await import('../../../functions/ops/healthz.ts');
    const event = anApiEvent({ path: '/healthz', headers: { 'x-request-id': 'forged\n{"level":"ERROR"}' } });

    const result = await handler(event, aLambdaContext());

    expect(result.headers?.['x-request-id']).toBe(event.requestContext.requestId);
  });

  it('given no x-request-id, when answered, then the gateway request id, as before', async () => {
    stubFunctionEnvironment();
    const { handler } = await import('../../../functions/ops/healthz.ts');

    // call() checks that x-request-id is the event's request id.
    expect((await call(handler, { path: '/healthz' })).status).toBe(200);
  });
});

describe('queues: the correlation id travels as a message attribute', () => {
  it('given a current correlation id, when a message and a batch are sent, then each carries it', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });

    await withCorrelationId('req-add-0001', async () => {
      await queue.send(new SendMessageCommand({ QueueUrl: 'https://sqs/fanOut', MessageBody: '{}' }));
      await sendInBatches(queue, 'https://sqs/feedWrites', ['{"a":1}', '{"a":2}']);
    });

    const single = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(single.MessageAttributes).toEqual({
      correlation_id: { DataType: 'String', StringValue: 'req-add-0001' },
    });
    const entries = sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!;
    expect(entries.map((entry) => entry.MessageAttributes?.correlation_id?.StringValue)).toEqual([
      'req-add-0001',
      'req-add-0001',
    ]);
  });

  it('given no current correlation id, when a message is sent, then it has no attribute', async () => {
    await queue.send(new SendMessageCommand({ QueueUrl: 'https://sqs/fanOut', MessageBody: '{}' }));

    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageAttributes).toBeUndefined();
  });

  it("given messages with and without the attribute, when consumed in one batch, then each record's work runs under its own id", async () => {
    const seen = new Map<string, string | undefined>();
    const handler = queueHandler(async (record) => {
      await new Promise((resolve) => setTimeout(resolve, record.messageId === 'first' ? 5 : 0));
      seen.set(record.messageId, currentCorrelationId());
    });
    const attribute = (id: string) => ({
      correlation_id: { dataType: 'String', stringValue: id, stringListValues: [], binaryListValues: [] },
    });

    await handler(
      {
        Records: [
          aQueueRecord({ messageId: 'first', messageAttributes: attribute('req-one-0001') }),
          aQueueRecord({ messageId: 'second', messageAttributes: attribute('req-two-0002') }),
          aQueueRecord({ messageId: 'from-s3' }),
        ],
      },
      aLambdaContext(),
    );

    expect(Object.fromEntries(seen)).toEqual({
      first: 'req-one-0001',
      second: 'req-two-0002',
      'from-s3': 'from-s3',
    });
  });
});

describe('streams: the correlation id the written item carries', () => {
  it("given a new image with correlation_id, and a deletion's old image, when consumed, then each change runs under the id its item carries", async () => {
    const seen: (string | undefined)[] = [];
    const handler = streamHandler(
      (record: DynamoDBRecord) => record.eventID,
      async () => {
        seen.push(currentCorrelationId());
      },
    );
    const record = (eventID: string, images: NonNullable<DynamoDBRecord['dynamodb']>): DynamoDBRecord => ({
      eventID,
      eventName: 'MODIFY',
      dynamodb: images,
    });

    await handler(
      {
        Records: [
          record('1', { NewImage: { correlation_id: { S: 'req-update-0003' } } }),
          record('2', { OldImage: { correlation_id: { S: 'req-add-0004' } } }),
          record('3', { NewImage: { pk: { S: 'USER#alice' } } }),
        ],
      },
      aLambdaContext(),
    );

    expect(seen).toEqual(['req-update-0003', 'req-add-0004', '3']);
  });
});
