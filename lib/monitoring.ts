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
  functions,
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
  api: Api;
  functions: ReadonlyMap<FunctionName, ServiceFunction>;
  /** Dead-letter queues and failure queues, by a readable name. */
  failureQueues: ReadonlyMap<string, sqs.IQueue>;
  /** The queues that carry work, for the dashboard. */
  workQueues: ReadonlyMap<string, sqs.IQueue>;
  /** The functions that read a table's stream. */
  streamConsumers: readonly FunctionName[];
  tables: Record<TableName, dynamodb.ITable>;
  /** Subscribed to the alarm topic when given (`-c alarmEmail=...`). */
  alarmEmail: string | undefined;
}

/**
 * Alarms and a dashboard. The alarms, each on one or two metrics to keep their cost down (CloudWatch bills per
 * alarm metric): messages in any dead-letter or failure queue, the API's 5xx rate, Lambda throttles, each
 * function's errors, and the age of the oldest unread record of each stream consumer. They notify one SNS
 * topic; subscribe to it (or pass `-c alarmEmail=...`).
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stage = props.settings.stage;

    // Not encrypted with KMS: alarm notifications carry no user data, only alarm names and states; CloudWatch
    // cannot publish to a topic under the AWS-managed SNS key, and a customer key would cost $1 a month at rest.
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Delinkcious ${stage} alarms`,
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

    const alarm = (alarmId: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: `Delinkcious ${stage}: ${description}`,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new actions.SnsAction(this.topic));
      created.addOkAction(new actions.SnsAction(this.topic));
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

    for (const [name, fn] of props.functions) {
      alarm(
        `${name}Errors`,
        fn.function.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        THRESHOLDS.functionErrors,
        `${name} failed (a crash, a timeout or a whole batch)`,
      );
    }

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

    const routeGroups = this.routeGroupAlarms(props, alarm);
    alarm(
      'FanOutLagP99',
      this.business(stage, 'fanOutLag', { statistic: 'p99' }),
      THRESHOLDS.fanOutLagP99Ms,
      `news reaches followers more than ${THRESHOLDS.fanOutLagP99Ms / 1000} s after the change (p99): the ` +
        'links stream, the fan-out or the feed writes are behind',
    );
    const checks = (verdict: string) =>
      this.business(stage, 'linkChecks', { statistic: 'Sum', dimensions: { verdict } });
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
    this.rollBackOn(props, routeGroups);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `Delinkcious-${stage}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(this.apiWidgets(props, requests, serverErrors));
    this.dashboard.addWidgets(...this.routeGroupWidgets(stage, [...routeGroups.keys()]));
    this.dashboard.addWidgets(...this.businessWidgets(stage));
    this.dashboard.addWidgets(...this.functionWidgets(props));
    this.dashboard.addWidgets(...this.pipelineWidgets(props));
    this.dashboard.addWidgets(...this.tableWidgets(props));
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 6 }),
    );
  }

  /** A business metric of shared/metrics.ts, as the functions emit it (namespace, name and dimensions). */
  private business(
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

  /**
   * Per route group (the contexts of the deployed HTTP functions): the share of 5xx answers and the p99 time in the
   * functions, from the gate's own metrics (shared/http/handler.ts), each alarmed once there is enough traffic.
   */
  private routeGroupAlarms(
    props: MonitoringProps,
    alarm: (
      id: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
    ) => cloudwatch.Alarm,
  ): Map<ContextName, cloudwatch.Alarm[]> {
    const stage = props.settings.stage;
    const groups = new Map<ContextName, cloudwatch.Alarm[]>();
    for (const group of routeGroupsOf(props.functions)) {
      const route_group = group;
      const requests = this.business(stage, 'requestLatency', {
        statistic: 'SampleCount',
        dimensions: { route_group },
      });
      const errors = this.business(stage, 'serverErrors', { statistic: 'Sum', dimensions: { route_group } });
      const latency = this.business(stage, 'requestLatency', {
        statistic: 'p99',
        dimensions: { route_group },
      });
      groups.set(group, [
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
      ]);
    }
    return groups;
  }

  /**
   * What makes CodeDeploy roll a function's new version back while traffic shifts to it: the function's own errors,
   * and for an HTTP function its route group's 5xx rate and latency.
   */
  private rollBackOn(
    props: MonitoringProps,
    routeGroups: ReadonlyMap<ContextName, cloudwatch.Alarm[]>,
  ): void {
    for (const [name, fn] of props.functions) {
      const own = this.alarms.find((candidate) => candidate.node.id === `${name}Errors`);
      if (own) fn.deployment.addAlarm(own);
      if (!HTTP_FUNCTIONS.has(name)) continue;
      for (const groupAlarm of routeGroups.get(functions[name].context) ?? [])
        fn.deployment.addAlarm(groupAlarm);
    }
  }

  private routeGroupWidgets(stage: string, groups: ContextName[]): cloudwatch.IWidget[] {
    const each = (key: BusinessMetric, statistic: string) =>
      groups.map((route_group) =>
        this.business(stage, key, { statistic, dimensions: { route_group }, label: route_group }),
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
      this.business(stage, key, { statistic: 'Sum', label, ...(dimensions ? { dimensions } : {}) });
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
          this.business(stage, 'fanOutLag', { statistic: 'p50', label: 'lag p50' }),
          this.business(stage, 'fanOutLag', { statistic: 'p99', label: 'lag p99' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Link checks by verdict, duration p99 (ms)',
        width: 6,
        left: ['valid', 'invalid', 'skipped'].map((verdict) => sum('linkChecks', verdict, { verdict })),
        right: ['valid', 'invalid'].map((verdict) =>
          this.business(stage, 'linkCheckDuration', {
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
        right: [this.business(stage, 'importFileSize', { statistic: 'Maximum', label: 'largest file' })],
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
      [...deployed.keys()].filter((name) => HTTP_FUNCTIONS.has(name)).map((name) => functions[name].context),
    ),
  ];
}
