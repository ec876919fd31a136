import { Duration, aws_sqs as sqs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { queues, type QueueDeclaration, type QueueName } from '../shared/wiring.ts';

/** Failed work waits as long as SQS allows, so someone can look at it and redrive it. */
const FAILURE_RETENTION = Duration.days(14);

/**
 * The SQS queues, one per declared queue. A queue with `maxReceiveCount` gets its own dead-letter queue; one
 * without is itself a place where failures land (a stream's on-failure destination), so it keeps messages long.
 */
export class Queues extends Construct {
  readonly byName: Record<QueueName, sqs.Queue>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const entries = (Object.entries(queues) as [QueueName, QueueDeclaration][]).map(
      ([name, declaration]) => [name, this.queue(name, declaration)] as const,
    );
    this.byName = Object.fromEntries(entries) as Record<QueueName, sqs.Queue>;
  }

  private queue(name: QueueName, declaration: QueueDeclaration): sqs.Queue {
    const common = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true };
    const deadLetterQueue =
      declaration.maxReceiveCount === undefined
        ? undefined
        : {
            maxReceiveCount: declaration.maxReceiveCount,
            queue: new sqs.Queue(this, `${name}DeadLetters`, {
              ...common,
              retentionPeriod: FAILURE_RETENTION,
            }),
          };
    return new sqs.Queue(this, name, {
      ...common,
      visibilityTimeout: Duration.seconds(declaration.visibilityTimeoutSeconds),
      ...(deadLetterQueue ? { deadLetterQueue } : { retentionPeriod: FAILURE_RETENTION }),
    });
  }
}
