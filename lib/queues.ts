import { Duration, Validations, aws_sqs as sqs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { QueueDeclaration, QueueName } from '../shared/wiring.ts';

/** Failed work waits as long as SQS allows, so that someone can look at it and redrive it. */
export const FAILURE_RETENTION = Duration.days(14);

interface DeclaredQueue {
  queue: sqs.Queue;
  /** Where messages go after `maxReceiveCount` receives; none for a queue that is itself a failure queue. */
  deadLetterQueue?: sqs.Queue;
}

/**
 * An SQS queue as declared, encrypted with SQS-managed keys and refusing requests without TLS. A queue with
 * `maxReceiveCount` gets its own dead-letter queue with a redrive policy; one without is where failures land
 * (a stream's on-failure destination): nothing consumes it, so it keeps messages as long as SQS allows.
 * A fair queue (`fairBy`) needs nothing here: SQS fair queues are standard queues, made fair by the
 * MessageGroupId that producers put on each message (shared/checker/sqs.ts). A FIFO queue (`fifoBy`) and its
 * dead-letter queue are both FIFO (SQS requires it), without content-based deduplication: producers send their
 * own deduplication ids (shared/search/sqs.ts).
 */
export function createQueue(scope: Construct, name: QueueName, declaration: QueueDeclaration): DeclaredQueue {
  const common = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true };
  if (declaration.maxReceiveCount === undefined) {
    const queue = new sqs.Queue(scope, name, {
      ...common,
      visibilityTimeout: Duration.seconds(declaration.visibilityTimeoutSeconds),
      retentionPeriod: FAILURE_RETENTION,
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'A failure queue (the streams\u2019 on-failure destination), which is a dead-letter queue in all ' +
        'but name: nothing consumes it, an alarm fires on its first message, and it keeps messages 14 days.',
    });
    return { queue };
  }
  const fifo = declaration.fifoBy !== undefined ? { fifo: true } : {};
  const deadLetterQueue = new sqs.Queue(scope, `${name}DeadLetters`, {
    ...common,
    ...fifo,
    retentionPeriod: FAILURE_RETENTION,
  });
  const queue = new sqs.Queue(scope, name, {
    ...common,
    ...fifo,
    visibilityTimeout: Duration.seconds(declaration.visibilityTimeoutSeconds),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: declaration.maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}
