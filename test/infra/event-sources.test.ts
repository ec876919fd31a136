import { describe, expect, it } from 'vitest';
import { FAILURE_RETENTION } from '../../lib/queues.ts';
import {
  deployedFunctionNames,
  eventSources,
  FEED_WRITE_GROUPS,
  functions,
  queues,
  schedules,
  type FunctionDeclaration,
  type QueueDeclaration,
  type QueueName,
} from '../../shared/wiring.ts';
import {
  actionsOf,
  resource,
  resourcesOf,
  resourcesOfType,
  statementsOfRole,
  synthesize,
  type Statement,
} from './support.ts';

const declaredQueues = Object.entries(queues) as [QueueName, QueueDeclaration][];

describe('the queues, given the wiring', () => {
  const { service, wholeServiceTemplate, logicalId, references, referencedLogicalIds } = synthesize('dev');
  const queue = (name: QueueName) => resource(wholeServiceTemplate, logicalId(service.queues[name]));

  it('creates each declared queue, plus a dead-letter queue for each that declares a receive limit', () => {
    const withDeadLetters = declaredQueues.filter(([, d]) => d.maxReceiveCount !== undefined);

    wholeServiceTemplate.resourceCountIs('AWS::SQS::Queue', declaredQueues.length + withDeadLetters.length);
  });

  it.each(declaredQueues)('gives %s its visibility timeout, redrive policy and encryption', (name, d) => {
    const { Properties } = queue(name);

    expect(Properties).toMatchObject({
      VisibilityTimeout: d.visibilityTimeoutSeconds,
      SqsManagedSseEnabled: true,
    });
    if (d.maxReceiveCount === undefined) {
      expect(Properties.RedrivePolicy).toBeUndefined();
      expect(Properties.MessageRetentionPeriod).toBe(FAILURE_RETENTION.toSeconds());
    } else {
      const redrive = Properties.RedrivePolicy as { maxReceiveCount: number; deadLetterTargetArn: unknown };
      expect(redrive.maxReceiveCount).toBe(d.maxReceiveCount);
      const deadLetters = resource(
        wholeServiceTemplate,
        [...referencedLogicalIds(redrive.deadLetterTargetArn)][0]!,
      );
      expect(deadLetters.Properties).toMatchObject({
        MessageRetentionPeriod: FAILURE_RETENTION.toSeconds(),
        SqsManagedSseEnabled: true,
      });
    }
  });

  it('refuses requests without TLS on every queue, dead-letter queues included', () => {
    const policies = Object.values(resourcesOfType(wholeServiceTemplate, 'AWS::SQS::QueuePolicy'));
    const protectedQueues = new Set(
      policies
        .filter((policy) =>
          (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.some(
            (s) =>
              s.Effect === 'Deny' &&
              JSON.stringify(s.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}',
          ),
        )
        .flatMap((policy) => [...referencedLogicalIds(policy.Properties.Queues)]),
    );

    expect(protectedQueues).toEqual(
      new Set(Object.keys(resourcesOfType(wholeServiceTemplate, 'AWS::SQS::Queue'))),
    );
  });

  it('declares the link checks fair by the link’s owner', () => {
    expect(queues.linkChecks).toMatchObject({ fairBy: 'username' });
  });

  const fifoQueues = declaredQueues.filter(([, d]) => d.fifoBy !== undefined);

  it('declares the feed writes FIFO by the readers’ group, one writer per group, as many writers as groups', () => {
    expect(queues.feedWrites).toMatchObject({ fifoBy: 'group' });
    const writers = eventSources.find((source) => source.kind === 'queue' && source.queue === 'feedWrites');
    expect(writers).toMatchObject({ function: 'writeFeeds', maxConcurrency: FEED_WRITE_GROUPS });
  });

  it.each(fifoQueues)(
    'makes %s a FIFO queue with a FIFO dead-letter queue, deduplicated by the ids producers send',
    (name) => {
      const { Properties } = queue(name);

      expect(Properties.FifoQueue).toBe(true);
      expect(Properties.ContentBasedDeduplication).toBeUndefined();
      const redrive = Properties.RedrivePolicy as { deadLetterTargetArn: unknown };
      const deadLetters = resource(
        wholeServiceTemplate,
        [...referencedLogicalIds(redrive.deadLetterTargetArn)][0]!,
      );
      expect(deadLetters.Properties.FifoQueue).toBe(true);
    },
  );

  const fairQueues = declaredQueues.filter(([, d]) => d.fairBy !== undefined);

  // An SQS fair queue is a standard queue whose messages carry a MessageGroupId: there is nothing to set on the
  // queue. A FIFO queue would instead deliver each group in order, one batch of it at a time.
  it.each(fairQueues)('keeps %s, a fair queue, a standard queue', (name) => {
    const { Properties } = queue(name);

    expect(Properties.FifoQueue).toBeUndefined();
    expect(Properties.ContentBasedDeduplication).toBeUndefined();
  });

  it.each(fairQueues)(
    'lets every deployed producer of %s send to it: sqs:SendMessage covers a MessageGroupId',
    (name) => {
      const producers = deployedFunctionNames().filter((f) =>
        (functions[f] as FunctionDeclaration).sendsTo?.includes(name),
      );
      const queueArn = `${logicalId(service.queues[name])}.Arn`;

      expect(producers.length).toBeGreaterThan(0);
      for (const producer of producers) {
        const role = service.functions.get(producer)!.function.role!;
        const sends = statementsOfRole(wholeServiceTemplate, logicalId(role)).filter(
          (statement) =>
            statement.Effect === 'Allow' &&
            actionsOf(statement).includes('sqs:SendMessage') &&
            resourcesOf(statement).some((r) => references(r).has(queueArn)),
        );
        expect(sends, producer).not.toHaveLength(0);
      }
    },
  );

  it.each(eventSources.flatMap((s) => (s.kind === 'queue' ? [[s.queue, s] as const] : [])))(
    "fits the visibility timeout of %s to its consumer's timeout: six times it, plus the batching window",
    (name, source) => {
      const needed = 6 * functions[source.function].size.timeoutSeconds + source.maxBatchingWindowSeconds;

      expect(queues[name].visibilityTimeoutSeconds).toBeGreaterThanOrEqual(needed);
    },
  );
});

describe('the event sources, given the wiring', () => {
  const { service, data, wholeServiceTemplate, logicalId, references, referencedLogicalIds } =
    synthesize('dev');
  const mappings = Object.values(resourcesOfType(wholeServiceTemplate, 'AWS::Lambda::EventSourceMapping'));

  /** The one mapping from a source (a `Table.StreamArn` or a `Queue.Arn`) to a function. */
  const mapping = (sourceReference: string, functionId: string) => {
    const found = mappings.filter(
      (m) =>
        references(m.Properties.EventSourceArn).has(sourceReference) &&
        referencedLogicalIds(m.Properties.FunctionName).has(functionId),
    );
    expect(found).toHaveLength(1);
    return found[0]!.Properties;
  };

  it('creates one mapping per declared event source and no other', () => {
    wholeServiceTemplate.resourceCountIs('AWS::Lambda::EventSourceMapping', eventSources.length);
  });

  it.each(eventSources.map((s) => [`${s.kind} to ${s.function}`, s] as const))(
    'connects the %s with its declared batching, reporting failures per item',
    (_label, source) => {
      // The mapping invokes the function's live alias.
      const functionId = logicalId(service.functions.get(source.function)!.alias);
      const sourceReference =
        source.kind === 'stream'
          ? `${logicalId(data.tables[source.table])}.StreamArn`
          : `${logicalId(service.queues[source.queue])}.Arn`;
      const properties = mapping(sourceReference, functionId);

      expect(properties).toMatchObject({
        BatchSize: source.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(properties.MaximumBatchingWindowInSeconds ?? 0).toBe(source.maxBatchingWindowSeconds);
      if (source.kind === 'stream') {
        expect(properties).toMatchObject({
          StartingPosition: 'TRIM_HORIZON',
          MaximumRetryAttempts: source.retryAttempts,
          BisectBatchOnFunctionError: source.bisectBatchOnError,
        });
        expect(source.retryAttempts).toBeGreaterThanOrEqual(0);
        expect(source.retryAttempts).toBeLessThanOrEqual(10);
        const destination = (properties.DestinationConfig as { OnFailure: { Destination: unknown } })
          .OnFailure;
        expect(references(destination.Destination)).toEqual(
          new Set([`${logicalId(service.queues[source.onFailure])}.Arn`]),
        );
      } else {
        expect(properties).toMatchObject({ ScalingConfig: { MaximumConcurrency: source.maxConcurrency } });
      }
    },
  );

  it('feeds the news and the link checks from the links stream', () => {
    const fromLinks = eventSources.filter((s) => s.kind === 'stream' && s.table === 'links');

    expect(fromLinks.map((s) => s.function)).toContain('fanOutLinkEvents');
  });

  it('creates one schedule rule per declared schedule, invoking its function, and no other', () => {
    const rules = Object.values(resourcesOfType(wholeServiceTemplate, 'AWS::Events::Rule'));

    expect(rules).toHaveLength(schedules.length);
    for (const schedule of schedules) {
      const functionId = logicalId(service.functions.get(schedule.function)!.alias);
      const rule = rules.find((r) =>
        (r.Properties.Targets as { Arn: unknown }[]).some((t) => referencedLogicalIds(t.Arn).has(functionId)),
      );
      expect(rule?.Properties).toMatchObject({
        ScheduleExpression: schedule.expression,
        State: 'ENABLED',
        Targets: [
          expect.objectContaining({
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          }),
        ],
      });
    }
  });
});
