import {
  Aws,
  Duration,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as actions,
  aws_dynamodb as dynamodb,
  aws_iam as iam,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  BUSINESS_METRICS,
  METRICS_NAMESPACE,
  defaultDimensions,
  type BusinessMetric,
} from '../shared/metrics.ts';
import {
  contextOf,
  httpFunctionNames,
  type ContextName,
  type FunctionName,
  type TableName,
} from '../shared/wiring.ts';
import type { Api } from './api.ts';
import type { ServiceFunction } from './functions.ts';
import type { StageSettings } from './stage.ts';

/**
 * When an alarm fires, and why there. Every alarm treats missing data as fine (no traffic is not a failure) and
 * notifies the alarm topic when it fires and when it recovers.
 */
export const THRESHOLDS = {
  /** Any message in a dead-letter or failure queue is work that was given up on: someone must look. */
  failedMessages: 0,
  /** Percent of API responses that are 5xx over 5 minutes, once there are at least `minRequests`. */
  serverErrorPercent: 1,
  minRequests: 10,
  /** Lambda throttles in the region over 5 minutes: the account's concurrency is used up. */
  throttles: 0,
  /** Errors of one function over 5 minutes: a crash, a timeout, or a batch that failed outright. */
  functionErrors: 0,
  /** The oldest stream record waiting, in ms: news and link checks are that late. */
  iteratorAgeMs: 60_000,
  /** Percent of a route group's requests answered 5xx over 5 minutes, once there are `minRequests`. */
  routeGroupServerErrorPercent: 1,
  /** A route group's p99 time in its functions (ms) over 5 minutes, once there are `minLatencySamples`. */
  routeGroupLatencyP99Ms: 3_000,
  minLatencySamples: 20,
  /** p99 of the fan-out lag (ms): from a link's change to its followers' feeds. */
  fanOutLagP99Ms: 60_000,
  /** Percent of link checks that found the link invalid over 5 minutes, once there are `minChecks`. */
  checkerFailurePercent: 50,
  minChecks: 20,
} as const;

const PERIOD = Duration.minutes(5);

interface MonitoringProps {
  settings: StageSettings;
  /** Where every alarm sends its changes of state. */
  topic: sns.ITopic;
  api: Api;
  functions: ReadonlyMap<FunctionName, ServiceFunction>;
  /** Dead-letter queues and failure queues, by a readable name. */
  failureQueues: ReadonlyMap<string, sqs.IQueue>;
  /** The queues that carry work, for the dashboard. */
  workQueues: ReadonlyMap<string, sqs.IQueue>;
  /** The functions that read a table's stream. */
  streamConsumers: readonly FunctionName[];
  tables: Record<TableName, dynamodb.ITable>;
  /** The alarms that live beside the functions they roll back (`RollbackAlarms`), shown with the others. */
  rollbackAlarms: readonly cloudwatch.IAlarm[];
}

/**
 * The SNS topic every alarm notifies, when it fires and when it clears; subscribe to it (or pass
 * `-c alarmEmail=...`). It lives in the service stack itself: the alarms of both the context stacks and the
 * monitoring stack send to it, and those stacks refer to one another.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: { stage: string; alarmEmail: string | undefined }) {
    super(scope, id);
    // Not encrypted with KMS: alarm notifications carry no user data, only alarm names and states; CloudWatch
    // cannot publish to a topic under the AWS-managed SNS key, and a customer key would cost $1 a month at rest.
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Delinkcious ${props.stage} alarms`,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
  }
}

interface AlarmProps {
  stage: string;
  topic: sns.ITopic;
  metric: cloudwatch.IMetric;
  threshold: number;
  description: string;
}

/** Adds an alarm of the construct at hand, notifying the topic. */
type AddAlarm = (
  id: string,
  metric: cloudwatch.IMetric,
  threshold: number,
  description: string,
) => cloudwatch.Alarm;

/** An alarm as every alarm here is: above its threshold for one period, missing data fine, the topic told both ways. */
function alarmOn(scope: Construct, id: string, props: AlarmProps): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmDescription: `Delinkcious ${props.stage}: ${props.description}`,
    metric: props.metric,
    threshold: props.threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new actions.SnsAction(props.topic));
  alarm.addOkAction(new actions.SnsAction(props.topic));
  return alarm;
}

/** A business metric of shared/metrics.ts, as the functions emit it (namespace, name and dimensions). */
function business(
  stage: string,
  key: BusinessMetric,
  options: { statistic: string; dimensions?: Record<string, string>; label?: string },
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: BUSINESS_METRICS[key].name,
    dimensionsMap: { ...defaultDimensions(stage), ...options.dimensions },
    period: PERIOD,
    statistic: options.statistic,
    ...(options.label ? { label: options.label } : {}),
  });
}

interface RollbackAlarmsProps {
  stage: string;
  topic: sns.ITopic;
  /** The bounded context, whose HTTP functions form its route group. */
  context: ContextName;
  functions: ReadonlyMap<FunctionName, ServiceFunction>;
}

/**
 * The alarms that CodeDeploy watches while it shifts a context's functions to a new version, rolling back when
 * one fires: each function's errors, and for an HTTP function its route group's 5xx rate and p99 latency (the
 * gate's own metrics, shared/http/handler.ts). They live beside the functions, in the context's nested stack: a
 * deployment group refers to its alarms and the monitoring stack to the functions, so alarms in the monitoring
 * stack would make the two stacks depend on each other, which CloudFormation refuses.
 */
export class RollbackAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: RollbackAlarmsProps) {
    super(scope, id);
    const { stage, topic, context } = props;
    const alarm: AddAlarm = (alarmId, metric, threshold, description) => {
      const created = alarmOn(this, alarmId, { stage, topic, metric, threshold, description });
      this.alarms.push(created);
      return created;
    };

    const http = [...props.functions.values()].filter((fn) => HTTP_FUNCTIONS.has(fn.name));
    const routeGroup = http.length > 0 ? this.routeGroupAlarms(stage, context, alarm) : [];
    for (const [name, fn] of props.functions) {
      fn.deployment.addAlarm(
        alarm(
          `${name}Errors`,
          fn.function.metricErrors({ period: PERIOD, statistic: 'Sum' }),
          THRESHOLDS.functionErrors,
          `${name} failed (a crash, a timeout or a whole batch)`,
        ),
      );
    }
    for (const fn of http) routeGroup.forEach((groupAlarm) => fn.deployment.addAlarm(groupAlarm));
  }

  /** The route group's share of 5xx answers and its p99 time in the functions, each once there is enough traffic. */
  private routeGroupAlarms(stage: string, group: ContextName, alarm: AddAlarm): cloudwatch.Alarm[] {
    const dimensions = { route_group: group };
    const requests = business(stage, 'requestLatency', { statistic: 'SampleCount', dimensions });
    const errors = business(stage, 'serverErrors', { statistic: 'Sum', dimensions });
    const latency = business(stage, 'requestLatency', { statistic: 'p99', dimensions });
    return [
      alarm(
        `${group}RoutesServerErrorRate`,
        new cloudwatch.MathExpression({
          expression: `IF(requests >= ${THRESHOLDS.minRequests}, 100 * errors / requests, 0)`,
          usingMetrics: { errors, requests },
          period: PERIOD,
          label: `${group} 5xx %`,
        }),
        THRESHOLDS.routeGroupServerErrorPercent,
        `more than ${THRESHOLDS.routeGroupServerErrorPercent}% of the ${group} routes' answers are 5xx`,
      ),
      alarm(
        `${group}RoutesLatencyP99`,
        new cloudwatch.MathExpression({
          expression: `IF(requests >= ${THRESHOLDS.minLatencySamples}, latency, 0)`,
          usingMetrics: { latency, requests },
          period: PERIOD,
          label: `${group} p99 ms`,
        }),
        THRESHOLDS.routeGroupLatencyP99Ms,
        `the ${group} routes take more than ${THRESHOLDS.routeGroupLatencyP99Ms} ms (p99)`,
      ),
    ];
  }
}

/**
 * The alarms of the whole service and a dashboard. The alarms, each on one or two metrics to keep their cost down
 * (CloudWatch bills per alarm metric): messages in any dead-letter or failure queue, the API's 5xx rate, Lambda
 * throttles, the age of the oldest unread record of each stream consumer, the fan-out lag and the checker's
 * failure rate. The alarms CodeDeploy rolls back on are each context's (`RollbackAlarms`); the dashboard shows all.
 */
export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stage = props.settings.stage;

    const alarm: AddAlarm = (alarmId, metric, threshold, description) => {
      const created = alarmOn(this, alarmId, { stage, topic: props.topic, metric, threshold, description });
      this.alarms.push(created);
      return created;
    };

    for (const [name, queue] of props.failureQueues) {
      alarm(
        `${name}Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        THRESHOLDS.failedMessages,
        `messages in ${name}: work was given up on; look at them and redrive them`,
      );
    }

    const serverErrors = props.api.httpApi.metricServerError({ period: PERIOD, statistic: 'Sum' });
    const requests = props.api.httpApi.metricCount({ period: PERIOD, statistic: 'Sum' });
    alarm(
      'ApiServerErrorRate',
      new cloudwatch.MathExpression({
        expression: `IF(requests >= ${THRESHOLDS.minRequests}, 100 * errors / requests, 0)`,
        usingMetrics: { errors: serverErrors, requests },
        period: PERIOD,
        label: '5xx %',
      }),
      THRESHOLDS.serverErrorPercent,
      `more than ${THRESHOLDS.serverErrorPercent}% of API responses are 5xx`,
    );

    alarm(
      'LambdaThrottles',
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'Throttles',
        period: PERIOD,
        statistic: 'Sum',
      }),
      THRESHOLDS.throttles,
      "Lambda throttles in this region: the account's concurrency is used up (these functions reserve none)",
    );

    for (const name of props.streamConsumers) {
      alarm(
        `${name}IteratorAge`,
        props.functions.get(name)!.function.metric('IteratorAge', {
          period: PERIOD,
          statistic: 'Maximum',
          unit: cloudwatch.Unit.MILLISECONDS,
        }),
        THRESHOLDS.iteratorAgeMs,
        `${name} is more than ${THRESHOLDS.iteratorAgeMs / 1000} s behind its stream`,
      );
    }

    alarm(
      'FanOutLagP99',
      business(stage, 'fanOutLag', { statistic: 'p99' }),
      THRESHOLDS.fanOutLagP99Ms,
      `news reaches followers more than ${THRESHOLDS.fanOutLagP99Ms / 1000} s after the change (p99): the ` +
        'links stream, the fan-out or the feed writes are behind',
    );
    const checks = (verdict: string) =>
      business(stage, 'linkChecks', { statistic: 'Sum', dimensions: { verdict } });
    alarm(
      'CheckerFailureRate',
      new cloudwatch.MathExpression({
        expression:
          `IF(FILL(valid, 0) + FILL(invalid, 0) >= ${THRESHOLDS.minChecks}, ` +
          '100 * FILL(invalid, 0) / (FILL(valid, 0) + FILL(invalid, 0)), 0)',
        usingMetrics: { valid: checks('valid'), invalid: checks('invalid') },
        period: PERIOD,
        label: 'invalid %',
      }),
      THRESHOLDS.checkerFailurePercent,
      `more than ${THRESHOLDS.checkerFailurePercent}% of link checks find the link invalid: the checker may ` +
        'not reach the web',
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `Delinkcious-${stage}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(this.apiWidgets(props, requests, serverErrors));
    this.dashboard.addWidgets(...this.routeGroupWidgets(stage, routeGroupsOf(props.functions)));
    this.dashboard.addWidgets(...this.businessWidgets(stage));
    this.dashboard.addWidgets(...this.functionWidgets(props));
    this.dashboard.addWidgets(...this.pipelineWidgets(props));
    this.dashboard.addWidgets(...this.tableWidgets(props));
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...props.rollbackAlarms, ...this.alarms],
        width: 24,
        height: 6,
      }),
    );
  }

  private routeGroupWidgets(stage: string, groups: ContextName[]): cloudwatch.IWidget[] {
    const each = (key: BusinessMetric, statistic: string) =>
      groups.map((route_group) =>
        business(stage, key, { statistic, dimensions: { route_group }, label: route_group }),
      );
    return [
      new cloudwatch.GraphWidget({
        title: 'Route groups: 5xx answers and requests',
        width: 12,
        left: each('serverErrors', 'Sum'),
        right: each('requestLatency', 'SampleCount'),
      }),
      new cloudwatch.GraphWidget({
        title: 'Route groups: time in the functions, p99 (ms)',
        width: 12,
        left: each('requestLatency', 'p99'),
      }),
    ];
  }

  /** What the service did: the business metrics beside the service metrics. */
  private businessWidgets(stage: string): cloudwatch.IWidget[] {
    const sum = (key: BusinessMetric, label: string, dimensions?: Record<string, string>) =>
      business(stage, key, { statistic: 'Sum', label, ...(dimensions ? { dimensions } : {}) });
    return [
      new cloudwatch.GraphWidget({
        title: 'Links and follows',
        width: 6,
        left: [
          sum('linksAdded', 'added'),
          sum('linksUpdated', 'updated'),
          sum('linksDeleted', 'deleted'),
          sum('follows', 'follows'),
          sum('unfollows', 'unfollows'),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'News: feed entries written, fan-out lag (ms)',
        width: 6,
        left: [sum('feedEntriesWritten', 'entries')],
        right: [
          business(stage, 'fanOutLag', { statistic: 'p50', label: 'lag p50' }),
          business(stage, 'fanOutLag', { statistic: 'p99', label: 'lag p99' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Link checks by verdict, duration p99 (ms)',
        width: 6,
        left: ['valid', 'invalid', 'skipped'].map((verdict) => sum('linkChecks', verdict, { verdict })),
        right: ['valid', 'invalid'].map((verdict) =>
          business(stage, 'linkCheckDuration', {
            statistic: 'p99',
            dimensions: { verdict },
            label: `${verdict} p99`,
          }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Imports, file size (bytes); refusals',
        width: 6,
        left: [
          sum('importsStarted', 'imports started'),
          sum('importsFinished', 'done', { outcome: 'done' }),
          sum('importsFinished', 'failed', { outcome: 'failed' }),
          sum('requestsRateLimited', 'rate-limited (429)'),
          sum('authenticationFailures', 'authentication failures (401)'),
        ],
        right: [business(stage, 'importFileSize', { statistic: 'Maximum', label: 'largest file' })],
      }),
    ];
  }

  private apiWidgets(props: MonitoringProps, requests: cloudwatch.IMetric, errors: cloudwatch.IMetric) {
    const api = props.api.httpApi;
    return new cloudwatch.GraphWidget({
      title: 'API: requests, 4xx, 5xx and latency',
      width: 24,
      left: [requests, api.metricClientError({ period: PERIOD, statistic: 'Sum' }), errors],
      right: [
        api.metricLatency({ period: PERIOD, statistic: 'p50' }),
        api.metricLatency({ period: PERIOD, statistic: 'p99' }),
      ],
    });
  }

  private functionWidgets(props: MonitoringProps): cloudwatch.IWidget[] {
    const all = [...props.functions.values()];
    const each = (metric: (fn: ServiceFunction) => cloudwatch.IMetric) => all.map(metric);
    return [
      new cloudwatch.GraphWidget({
        title: 'Functions: errors and throttles',
        width: 12,
        left: each((fn) => fn.function.metricErrors({ period: PERIOD, label: fn.name })),
        right: each((fn) => fn.function.metricThrottles({ period: PERIOD, label: fn.name })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Functions: duration p99 (ms)',
        width: 12,
        left: each((fn) => fn.function.metricDuration({ period: PERIOD, statistic: 'p99', label: fn.name })),
      }),
    ];
  }

  private pipelineWidgets(props: MonitoringProps): cloudwatch.IWidget[] {
    const visible = (queues: ReadonlyMap<string, sqs.IQueue>) =>
      [...queues].map(([name, queue]) =>
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: name }),
      );
    return [
      new cloudwatch.GraphWidget({
        title: 'Queues: messages waiting, oldest (s)',
        width: 8,
        left: visible(props.workQueues),
        right: [...props.workQueues].map(([name, queue]) =>
          queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum', label: name }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead letters and failures',
        width: 8,
        left: visible(props.failureQueues),
      }),
      new cloudwatch.GraphWidget({
        title: 'Streams: iterator age (ms)',
        width: 8,
        left: props.streamConsumers.map((name) =>
          props.functions
            .get(name)!
            .function.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum', label: name }),
        ),
      }),
    ];
  }

  private tableWidgets(props: MonitoringProps): cloudwatch.IWidget[] {
    const tables = Object.entries(props.tables) as [TableName, dynamodb.ITable][];
    return [
      new cloudwatch.GraphWidget({
        title: 'Tables: consumed read and write units',
        width: 12,
        left: tables.map(([name, table]) =>
          table.metricConsumedReadCapacityUnits({ period: PERIOD, label: `${name} read` }),
        ),
        right: tables.map(([name, table]) =>
          table.metricConsumedWriteCapacityUnits({ period: PERIOD, label: `${name} write` }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Tables: throttled reads and writes',
        width: 12,
        left: tables.map(([name, table]) =>
          table.metric('ReadThrottleEvents', { period: PERIOD, statistic: 'Sum', label: `${name} read` }),
        ),
        right: tables.map(([name, table]) =>
          table.metric('WriteThrottleEvents', { period: PERIOD, statistic: 'Sum', label: `${name} write` }),
        ),
      }),
    ];
  }
}

const HTTP_FUNCTIONS: ReadonlySet<FunctionName> = new Set(httpFunctionNames());

/** The route groups: the contexts of the deployed functions that serve HTTP. */
function routeGroupsOf(deployed: ReadonlyMap<FunctionName, ServiceFunction>): ContextName[] {
  return [
    ...new Set(
      [...deployed.keys()].filter((name) => HTTP_FUNCTIONS.has(name)).map((name) => contextOf(name)),
    ),
  ];
}
