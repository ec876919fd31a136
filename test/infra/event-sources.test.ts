import { describe, expect, it } from 'vitest';
import { eventSources, queues, type QueueDeclaration, type QueueName } from '../../shared/wiring.ts';
import { references, referencedLogicalIds, resource, resourcesOfType, synthesize } from './support.ts';

const declaredQueues = Object.entries(queues) as [QueueName, QueueDeclaration][];

describe('the queues, given the wiring', () => {
  const { stack, template, logicalId } = synthesize('dev');
  const queue = (name: QueueName) => resource(template, logicalId(stack.queues.byName[name]));

  it('creates each declared queue, plus a dead-letter queue for each that declares a receive limit', () => {
    const withDeadLetters = declaredQueues.filter(([, d]) => d.maxReceiveCount !== undefined);

    template.resourceCountIs('AWS::SQS::Queue', declaredQueues.length + withDeadLetters.length);
  });

  it.each(declaredQueues)('gives %s its visibility timeout, redrive policy and encryption', (name, d) => {
    const { Properties } = queue(name);

    expect(Properties).toMatchObject({
      VisibilityTimeout: d.visibilityTimeoutSeconds,
      SqsManagedSseEnabled: true,
    });
    if (d.maxReceiveCount === undefined) {
      expect(Properties.RedrivePolicy).toBeUndefined();
      expect(Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    } else {
      const redrive = Properties.RedrivePolicy as { maxReceiveCount: number; deadLetterTargetArn: unknown };
      expect(redrive.maxReceiveCount).toBe(d.maxReceiveCount);
      const deadLetters = resource(template, [...referencedLogicalIds(redrive.deadLetterTargetArn)][0]!);
      expect(deadLetters.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    }
  });
});

describe('the event sources, given the wiring', () => {
  const { stack, template, logicalId } = synthesize('dev');
  const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));

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
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', eventSources.length);
  });

  it.each(eventSources.map((s) => [`${s.kind} to ${s.function}`, s] as const))(
    'connects the %s with its declared batching, reporting failures per item',
    (_label, source) => {
      const functionId = logicalId(stack.functions.byName.get(source.function)!);
      const sourceReference =
        source.kind === 'stream'
          ? `${logicalId(stack.tables.byName[source.table])}.StreamArn`
          : `${logicalId(stack.queues.byName[source.queue])}.Arn`;
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
        const destination = (properties.DestinationConfig as { OnFailure: { Destination: unknown } })
          .OnFailure;
        expect(references(destination.Destination)).toEqual(
          new Set([`${logicalId(stack.queues.byName[source.onFailure])}.Arn`]),
        );
      } else {
        expect(properties).toMatchObject({ ScalingConfig: { MaximumConcurrency: source.maxConcurrency } });
      }
    },
  );

  it('feeds the news from the links stream', () => {
    const fromLinks = eventSources.filter((s) => s.kind === 'stream' && s.table === 'links');

    expect(fromLinks.map((s) => s.function)).toContain('fanOutLinkEvents');
  });
});
