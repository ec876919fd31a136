import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { LOCAL_AWS } from '../../local/engines.ts';
import { toLambdaSqsRecord, toLambdaStreamRecord } from '../../local/pollers.ts';
import { afterAll, beforeAll } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { startTestRuntime } from './runtime.ts';

/**
 * Drives the event pipeline by hand in tests, instead of the pollers: reads a table's stream records and a
 * queue's messages in the shapes Lambda hands to functions.
 */
export class PipelineProbe {
  private readonly dynamo: DynamoDBClient;
  private readonly streams: DynamoDBStreamsClient;
  private readonly sqs: SQSClient;

  constructor(runtime: Runtime) {
    this.dynamo = new DynamoDBClient({ ...LOCAL_AWS, endpoint: runtime.dynamoDbEndpoint });
    this.streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: runtime.dynamoDbEndpoint });
    this.sqs = new SQSClient({ ...LOCAL_AWS, endpoint: runtime.queuesEndpoint });
  }

  /** Every record still on the table's stream, oldest first. */
  async streamRecords(table: string): Promise<DynamoDBRecord[]> {
    const { Table } = await this.dynamo.send(new DescribeTableCommand({ TableName: table }));
    const streamArn = Table!.LatestStreamArn!;
    const { StreamDescription } = await this.streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn }),
    );
    const records: DynamoDBRecord[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      let iterator = (
        await this.streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      while (iterator) {
        const page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        records.push(...(page.Records ?? []).map((r) => toLambdaStreamRecord(r, streamArn)));
        if (!page.Records?.length) break;
        iterator = page.NextShardIterator;
      }
    }
    return records;
  }

  /** Receives and deletes every message waiting in the queue, with its attributes, as the pollers receive it. */
  async drain(queueUrl: string): Promise<SQSRecord[]> {
    const received: SQSRecord[] = [];
    for (;;) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) return received;
      for (const message of Messages) {
        received.push(toLambdaSqsRecord(message, queueUrl));
        await this.sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }),
        );
      }
    }
  }

  destroy(): void {
    this.dynamo.destroy();
    this.streams.destroy();
    this.sqs.destroy();
  }
}

/**
 * For a test file that drives the pipeline by hand: the local runtime without its pollers, started before the
 * file's tests, and a probe on it; both stopped after them.
 */
export function useDrivenRuntime(): { readonly runtime: Runtime; readonly probe: PipelineProbe } {
  const driven = {} as { runtime: Runtime; probe: PipelineProbe };
  beforeAll(async () => {
    driven.runtime = await startTestRuntime({ pollers: false });
    driven.probe = new PipelineProbe(driven.runtime);
  });
  afterAll(async () => {
    driven.probe?.destroy();
    await driven.runtime?.stop();
  });
  return driven;
}

/**
 * Waits until the news pipeline's queues hold nothing, waiting or in flight, on two reads in a row: by then
 * every feed write sent so far has been applied (or has failed for good).
 */
export async function pipelineIdle(runtime: Runtime, timeoutMs = 30_000): Promise<void> {
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: runtime.queuesEndpoint });
  const queues = [runtime.queueUrls.fanOut, runtime.queueUrls.feedWrites];
  const deadline = Date.now() + timeoutMs;
  try {
    for (let quietReads = 0; quietReads < 2;) {
      if (Date.now() > deadline) throw new Error('the news pipeline did not go idle');
      await new Promise((done) => setTimeout(done, 300));
      const counts = await Promise.all(
        queues.map(async (QueueUrl) => {
          const { Attributes = {} } = await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl,
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
            }),
          );
          return (
            Number(Attributes.ApproximateNumberOfMessages) +
            Number(Attributes.ApproximateNumberOfMessagesNotVisible)
          );
        }),
      );
      quietReads = counts.every((count) => count === 0) ? quietReads + 1 : 0;
    }
  } finally {
    sqs.destroy();
  }
}
