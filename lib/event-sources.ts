import {
  Duration,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_events_targets as targets,
  aws_lambda as lambda,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import type { EventSourceDeclaration, QueueName, ScheduleDeclaration, TableName } from '../shared/wiring.ts';

interface EventSourceTargets {
  tables: Record<TableName, dynamodb.ITable>;
  queues: Record<QueueName, sqs.IQueue>;
}

/**
 * Connects a declared event source (a table's stream or a queue) to its function with the declared batch
 * settings. Every mapping reports failures per item (`batchItemFailures`), so one bad record does not retry the
 * whole batch. Streams bisect a failing batch, retry it a bounded number of times and then send the records'
 * coordinates to the declared on-failure queue; queues cap the concurrent invocations, and their redrive policy
 * moves a message that keeps failing to its dead-letter queue. The mappings grant what they need: reading the
 * stream, consuming the queue, and sending to the on-failure queue.
 */
export function connectEventSource(
  fn: lambda.IFunction,
  source: EventSourceDeclaration,
  { tables, queues }: EventSourceTargets,
): void {
  const batching = {
    batchSize: source.batchSize,
    ...(source.maxBatchingWindowSeconds > 0
      ? { maxBatchingWindow: Duration.seconds(source.maxBatchingWindowSeconds) }
      : {}),
    reportBatchItemFailures: true,
  };
  switch (source.kind) {
    case 'stream': {
      const table = tables[source.table];
      if (!table.tableStreamArn) throw new Error(`The ${source.table} table declares no stream.`);
      fn.addEventSource(
        new DynamoEventSource(table, {
          ...batching,
          // From the oldest record still in the stream: a new mapping must not skip writes made while it was
          // being created; consumers are idempotent, as at-least-once delivery requires anyway.
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          retryAttempts: source.retryAttempts,
          bisectBatchOnError: source.bisectBatchOnError,
          onFailure: new SqsDlq(queues[source.onFailure]),
        }),
      );
      return;
    }
    case 'queue':
      fn.addEventSource(
        new SqsEventSource(queues[source.queue], { ...batching, maxConcurrency: source.maxConcurrency }),
      );
      return;
    default:
      throw new Error(`Unknown kind of event source: ${JSON.stringify(source)}`);
  }
}

/**
 * A declared schedule: an EventBridge rule that invokes the function asynchronously. EventBridge retries a
 * failed delivery twice within an hour; a run that fails shows in the function's error alarm, and the next run
 * picks up what this one left (the schedules are idempotent sweeps).
 */
export function connectSchedule(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  schedule: ScheduleDeclaration,
): void {
  const rule = new events.Rule(scope, id, {
    description: schedule.description,
    schedule: events.Schedule.expression(schedule.expression),
  });
  rule.addTarget(new targets.LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.hours(1) }));
}
