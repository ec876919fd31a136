import { describe, expect, it } from 'vitest';
import { THRESHOLDS } from '../../lib/monitoring.ts';
import { BUSINESS_METRICS } from '../../shared/metrics.ts';
import {
  contextOf,
  deployedFunctionNames,
  eventSources,
  httpFunctionNames,
  queues,
  type QueueName,
} from '../../shared/wiring.ts';
import { resource, resourcesOfType, synthesize, type Resource } from './support.ts';

describe('operations: alarms and a dashboard', () => {
  const {
    service,
    serviceTemplate,
    wholeServiceTemplate,
    monitoringTemplate,
    logicalId,
    referencedLogicalIds,
  } = synthesize('dev');
  // The service-wide alarms and the dashboard are in the monitoring stack, the alarms CodeDeploy rolls back on in
  // each context's stack, beside the functions: all of them, wherever they are.
  const alarms = Object.values(resourcesOfType(wholeServiceTemplate, 'AWS::CloudWatch::Alarm'));
  const topicId = logicalId(service.alarmTopic.topic);
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
    const rate = alarmNamed('ApiServerErrorRate');
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
    // The topic is the service stack's own, which the nested stacks' alarms are given as a parameter.
    expect(serviceTemplate.findOutputs('AlarmTopicArn').AlarmTopicArn!.Value).toEqual({ Ref: topicId });
    expect(resource(serviceTemplate, topicId).Type).toBe('AWS::SNS::Topic');
  });

  it('lets CloudWatch publish to the alarm topic, over TLS only', () => {
    const policies = Object.values(resourcesOfType(wholeServiceTemplate, 'AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(1);
    const policy = policies[0]!;
    expect([...referencedLogicalIds(policy.Properties.Topics)]).toEqual([topicId]);
    const text = JSON.stringify(policy.Properties.PolicyDocument);

    expect(text).toMatch(/cloudwatch\.amazonaws\.com/);
    expect(text).toMatch(/"aws:SecureTransport":"false"/);
  });

  it('has a dashboard of the API, the functions, the pipeline, the tables and the alarms', () => {
    monitoringTemplate.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const dashboard = Object.values(resourcesOfType(monitoringTemplate, 'AWS::CloudWatch::Dashboard'))[0]!;
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const title of [
      'API',
      'Route groups',
      'Links and follows',
      'News',
      'Link checks',
      'Imports',
      'Functions',
      'Queues',
      'Dead letters',
      'Streams',
      'Tables',
      'Alarms',
    ]) {
      expect(body).toContain(title);
    }
    for (const metric of Object.values(BUSINESS_METRICS)) expect(body).toContain(metric.name);
    expect(
      resource(monitoringTemplate, logicalId(service.monitoring.dashboard)).Properties.DashboardName,
    ).toBe('Delinkcious-dev');
  });

  it("shows every alarm on the dashboard's alarm widget, the contexts' rollback alarms with the others", () => {
    const dashboard = Object.values(resourcesOfType(monitoringTemplate, 'AWS::CloudWatch::Dashboard'))[0]!;
    const shown = referencedLogicalIds(dashboard.Properties.DashboardBody);
    const everyAlarm = Object.keys(resourcesOfType(wholeServiceTemplate, 'AWS::CloudWatch::Alarm'));

    expect(everyAlarm.length).toBeGreaterThan(deployedFunctionNames().length);
    for (const id of everyAlarm) expect(shown, id).toContain(id);
  });

  it('subscribes the alarm e-mail when one is given, and nothing otherwise', () => {
    wholeServiceTemplate.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  const alarmNamed = (id: string) => {
    const alarm = Object.entries(resourcesOfType(wholeServiceTemplate, 'AWS::CloudWatch::Alarm')).find(
      ([logical]) => logical.includes(id),
    );
    expect(alarm, id).toBeDefined();
    return alarm![1];
  };
  const groups = [
    ...new Set(
      httpFunctionNames()
        .filter((name) => deployedFunctionNames().includes(name))
        .map((name) => contextOf(name)),
    ),
  ];

  it.each(groups)(
    'fires when the %s routes answer more than 1% 5xx, or take more than 3 s at p99, from the gate’s own metrics',
    (group) => {
      const rate = JSON.stringify(alarmNamed(`${group}RoutesServerErrorRate`).Properties);
      const latency = JSON.stringify(alarmNamed(`${group}RoutesLatencyP99`).Properties);

      expect(rate).toContain('100 * errors / requests');
      expect(rate).toContain('"Namespace":"Delinkcious"');
      expect(rate).toContain(`"Value":"${group}"`);
      expect(latency).toContain('"Stat":"p99"');
      expect(latency).toContain(`"Threshold":${THRESHOLDS.routeGroupLatencyP99Ms}`);
    },
  );

  it('fires when the fan-out lag passes a minute at p99, and when most link checks find links invalid', () => {
    expect(alarmNamed('FanOutLagP99').Properties).toMatchObject({
      Namespace: 'Delinkcious',
      MetricName: 'FanOutLag',
      ExtendedStatistic: 'p99',
      Threshold: THRESHOLDS.fanOutLagP99Ms,
    });
    const checker = JSON.stringify(alarmNamed('CheckerFailureRate').Properties);
    expect(checker).toContain('"Value":"invalid"');
    expect(checker).toContain('"Value":"valid"');
  });
});
