import { describe, expect, it } from 'vitest';
import { THRESHOLDS } from '../../lib/monitoring.ts';
import { deployedFunctionNames, eventSources, queues, type QueueName } from '../../shared/wiring.ts';
import { resource, resourcesOfType, synthesize, type Resource } from './support.ts';

describe('operations: alarms and a dashboard', () => {
  const { service, serviceTemplate, logicalId, referencedLogicalIds } = synthesize('dev');
  const alarms = Object.values(resourcesOfType(serviceTemplate, 'AWS::CloudWatch::Alarm'));
  const topicId = logicalId(service.monitoring.topic);
  const metricOf = (alarm: Resource) => ({
    namespace: alarm.Properties.Namespace,
    name: alarm.Properties.MetricName,
    dimensions: alarm.Properties.Dimensions as { Name: string; Value: unknown }[] | undefined,
  });
  const alarmsOn = (namespace: string, name: string) =>
    alarms.filter((a) => a.Properties.Namespace === namespace && a.Properties.MetricName === name);

  it('fires when any dead-letter or failure queue holds a message', () => {
    const watched = alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible').map((alarm) => {
      expect(alarm.Properties).toMatchObject({
        Threshold: THRESHOLDS.failedMessages,
        ComparisonOperator: 'GreaterThanThreshold',
        Statistic: 'Maximum',
      });
      return [...referencedLogicalIds(metricOf(alarm).dimensions)][0];
    });
    const failureQueues = (Object.keys(queues) as QueueName[]).map((name) =>
      logicalId(service.deadLetterQueues[name] ?? service.queues[name]),
    );

    expect(new Set(watched)).toEqual(new Set(failureQueues));
  });

  it('fires when more than 1% of API responses are 5xx', () => {
    const rate = alarms.find((a) => JSON.stringify(a.Properties.Metrics ?? []).includes('5xx'))!;
    const metrics = rate.Properties.Metrics as { Id: string; Expression?: string; MetricStat?: unknown }[];

    expect(rate.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' });
    expect(metrics.find((m) => m.Expression)?.Expression).toBe(
      'IF(requests >= 10, 100 * errors / requests, 0)',
    );
    expect(JSON.stringify(metrics)).toMatch(/"MetricName":"Count"/);
    expect(referencedLogicalIds(metrics).has(logicalId(service.api.httpApi))).toBe(true);
  });

  it('fires on any Lambda throttle', () => {
    const throttles = alarmsOn('AWS/Lambda', 'Throttles');

    expect(throttles).toHaveLength(1);
    expect(throttles[0]!.Properties).toMatchObject({ Threshold: 0, Statistic: 'Sum' });
  });

  it('fires on the errors of every deployed function', () => {
    const watched = alarmsOn('AWS/Lambda', 'Errors').map(
      (a) => [...referencedLogicalIds(metricOf(a).dimensions)][0],
    );

    expect(new Set(watched)).toEqual(
      new Set(deployedFunctionNames().map((name) => logicalId(service.functions.get(name)!.function))),
    );
  });

  it('fires when a stream consumer falls a minute behind its stream', () => {
    const consumers = [...new Set(eventSources.flatMap((s) => (s.kind === 'stream' ? [s.function] : [])))];
    const watched = alarmsOn('AWS/Lambda', 'IteratorAge').map((alarm) => {
      expect(alarm.Properties).toMatchObject({ Threshold: 60_000, Statistic: 'Maximum' });
      return [...referencedLogicalIds(metricOf(alarm).dimensions)][0];
    });

    expect(new Set(watched)).toEqual(
      new Set(consumers.map((name) => logicalId(service.functions.get(name)!.function))),
    );
  });

  it('notifies one topic when an alarm fires and when it clears, and ignores missing data', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect([...referencedLogicalIds(alarm.Properties.AlarmActions)]).toEqual([topicId]);
      expect([...referencedLogicalIds(alarm.Properties.OKActions)]).toEqual([topicId]);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
    serviceTemplate.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
  });

  it('lets CloudWatch publish to the alarm topic, over TLS only', () => {
    const policy = Object.values(resourcesOfType(serviceTemplate, 'AWS::SNS::TopicPolicy'))[0]!;
    const text = JSON.stringify(policy.Properties.PolicyDocument);

    expect(text).toMatch(/cloudwatch\.amazonaws\.com/);
    expect(text).toMatch(/"aws:SecureTransport":"false"/);
  });

  it('has a dashboard of the API, the functions, the pipeline, the tables and the alarms', () => {
    serviceTemplate.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const dashboard = Object.values(resourcesOfType(serviceTemplate, 'AWS::CloudWatch::Dashboard'))[0]!;
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const title of ['API', 'Functions', 'Queues', 'Dead letters', 'Streams', 'Tables', 'Alarms']) {
      expect(body).toContain(title);
    }
    expect(resource(serviceTemplate, logicalId(service.monitoring.dashboard)).Properties.DashboardName).toBe(
      'Delinkcious-dev',
    );
  });

  it('subscribes the alarm e-mail when one is given, and nothing otherwise', () => {
    serviceTemplate.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
