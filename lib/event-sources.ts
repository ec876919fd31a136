import { Duration, aws_dynamodb as dynamodb, aws_lambda as lambda, aws_sqs as sqs } from 'aws-cdk-lib';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { eventSources, type FunctionName, type QueueName, type TableName } from '../shared/wiring.ts';

export interface EventSourceTargets {
  functions: ReadonlyMap<FunctionName, lambda.Function>;
  tables: Record<TableName, dynamodb.Table>;
  queues: Record<QueueName, sqs.Queue>;
}

/**
 * Connects each declared event source (a table's stream or a queue) to its function with the declared batch
 * settings. The mappings grant what they need: reading the stream, consuming the queue, and sending failed
 * stream records to the on-failure queue.
 */
export function connectEventSources({ functions, tables, queues }: EventSourceTargets): void {
  for (const source of eventSources) {
    const fn = functions.get(source.function);
    if (!fn) throw new Error(`Event source for ${source.function}, which is not a deployed function.`);
    const batching = {
      batchSize: source.batchSize,
      ...(source.maxBatchingWindowSeconds > 0
        ? { maxBatchingWindow: Duration.seconds(source.maxBatchingWindowSeconds) }
        : {}),
      // Handlers may return `batchItemFailures`, so that one bad record does not retry the whole batch.
      reportBatchItemFailures: true,
    };
    switch (source.kind) {
      case 'stream':
        fn.addEventSource(
          new DynamoEventSource(tables[source.table], {
            ...batching,
            // From the oldest record still in the stream: a new mapping must not skip writes made while it
            // was being created; consumers are idempotent, as at-least-once delivery requires anyway.
            startingPosition: lambda.StartingPosition.TRIM_HORIZON,
            retryAttempts: source.retryAttempts,
            bisectBatchOnError: source.bisectBatchOnError,
            onFailure: new SqsDlq(queues[source.onFailure]),
          }),
        );
        break;
      case 'queue':
        fn.addEventSource(
          new SqsEventSource(queues[source.queue], { ...batching, maxConcurrency: source.maxConcurrency }),
        );
        break;
    }
  }
}
