import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { defineDelinkcious } from '../../lib/app.ts';
import type { Prices } from './prices.ts';

/** A CloudFormation resource as the templates hold it. */
export interface Resource {
  /** Its stack's name and its logical ID there. */
  stack: string;
  id: string;
  Type: string;
  Properties?: Record<string, unknown>;
}

/**
 * Every resource of the prod stage's templates (the stateful stack, the service stack and its nested stacks),
 * synthesized in this process without bundling the functions, as test/infra does.
 */
export function prodResources(): Resource[] {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  defineDelinkcious(app, { stage: 'prod', appVersion: 'cost', githubClientId: 'cost' });
  const stacks = app.node.findAll().filter((construct): construct is Stack => Stack.isStack(construct));
  return stacks.flatMap((stack) =>
    Object.entries(
      (Template.fromStack(stack).toJSON() as { Resources?: Record<string, Omit<Resource, 'stack' | 'id'>> })
        .Resources ?? {},
    ).map(([id, resource]) => ({ ...resource, stack: stack.node.path, id })),
  );
}

/** What the month at rest depends on beyond the templates. */
export interface AtRestAssumptions {
  /** Data in the tables, in GB (billed as stored, and again as continuous backups). */
  tableGb: number;
  /** Objects in the buckets (snapshots, search indexes, exports, the web client), in GB. */
  bucketGb: number;
  /** Custom metric series the functions publish (metric name x dimension values), as a run saw them. */
  metricSeries: number;
}

export interface MonthlyRow {
  item: string;
  quantity: number;
  unit: string;
  dollars: number;
  /** Estimated rather than read off the templates, or true only under traffic. */
  note?: string;
}

/**
 * An idle SQS event source mapping keeps long-polling its queue: about five pollers, each a ReceiveMessage of 20
 * seconds, every one billed though it returns nothing (an estimate: AWS does not publish the idle poller count).
 */
export const IDLE_POLLERS_PER_QUEUE = 5;
const LONG_POLL_SECONDS = 20;
const SECONDS_A_MONTH = 30 * 24 * 3600;

const ofType = (resources: readonly Resource[], type: string) =>
  resources.filter((resource) => resource.Type === type);

/** An alarm's billed metrics: one, or each metric (not expression) of a metric math alarm. */
function alarmMetrics(alarm: Resource): number {
  const metrics = alarm.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
  return metrics ? metrics.filter((metric) => metric.MetricStat !== undefined).length : 1;
}

/** Whether an SQS event source mapping's queue is FIFO: its ARN is the `Arn` of a FIFO queue of its stack. */
function pollsFifoQueue(mapping: Resource, resources: readonly Resource[]): boolean {
  const arn = mapping.Properties?.EventSourceArn as { 'Fn::GetAtt'?: [string, string] } | undefined;
  const queueId = arn?.['Fn::GetAtt']?.[0];
  return resources.some(
    (queue) => queue.stack === mapping.stack && queue.id === queueId && queue.Properties?.FifoQueue === true,
  );
}

export function atRestRows(
  resources: readonly Resource[],
  prices: Prices,
  assumptions: AtRestAssumptions,
): MonthlyRow[] {
  const alarms = ofType(resources, 'AWS::CloudWatch::Alarm');
  const alarmMetricCount = alarms.reduce((sum, alarm) => sum + alarmMetrics(alarm), 0);
  const dashboards = ofType(resources, 'AWS::CloudWatch::Dashboard').length;
  const webAcls = ofType(resources, 'AWS::WAFv2::WebACL');
  const wafRules = webAcls.reduce(
    (sum, acl) => sum + ((acl.Properties?.Rules as unknown[] | undefined)?.length ?? 0),
    0,
  );
  const secrets = ofType(resources, 'AWS::SecretsManager::Secret').length;
  const keys = ofType(resources, 'AWS::KMS::Key').length;
  const tables = ofType(resources, 'AWS::DynamoDB::Table').length;
  const buckets = ofType(resources, 'AWS::S3::Bucket').length;
  const queueMappings = ofType(resources, 'AWS::Lambda::EventSourceMapping').filter(
    (mapping) => mapping.Properties?.StartingPosition === undefined,
  );
  const fifoMappings = queueMappings.filter((mapping) => pollsFifoQueue(mapping, resources)).length;
  const idleReceives = (SECONDS_A_MONTH / LONG_POLL_SECONDS) * IDLE_POLLERS_PER_QUEUE;
  return [
    {
      item: `CloudWatch alarms (${alarms.length}, ${alarmMetricCount} metrics)`,
      quantity: alarmMetricCount,
      unit: 'alarm metrics',
      dollars: alarmMetricCount * prices.cloudWatchAlarmMetric.dollars,
    },
    {
      item: 'CloudWatch dashboards',
      quantity: dashboards,
      unit: 'dashboards',
      dollars: dashboards * prices.cloudWatchDashboard.dollars,
    },
    {
      item: `WAF web ACLs (${webAcls.length}) and rules (${wafRules})`,
      quantity: webAcls.length + wafRules,
      unit: 'ACLs + rules',
      dollars: webAcls.length * prices.wafWebAcl.dollars + wafRules * prices.wafRule.dollars,
    },
    {
      item: 'Secrets Manager secrets',
      quantity: secrets,
      unit: 'secrets',
      dollars: secrets * prices.secretsManagerSecret.dollars,
    },
    {
      item: 'KMS customer managed keys',
      quantity: keys,
      unit: 'keys',
      dollars: keys * prices.kmsKey.dollars,
    },
    {
      item: `DynamoDB storage and backups (${tables} tables)`,
      quantity: assumptions.tableGb,
      unit: 'GB (assumed)',
      dollars:
        assumptions.tableGb * (prices.dynamoDbStorage.dollars + prices.dynamoDbPointInTimeRecovery.dollars),
      note: 'storage plus point-in-time recovery, for the assumed data',
    },
    {
      item: `S3 storage (${buckets} buckets)`,
      quantity: assumptions.bucketGb,
      unit: 'GB (assumed)',
      dollars: assumptions.bucketGb * prices.s3Storage.dollars,
      note: 'for the assumed objects',
    },
    {
      item: `Idle SQS polling (${queueMappings.length} queue event source mappings, ${fifoMappings} FIFO)`,
      quantity: idleReceives * queueMappings.length,
      unit: 'receives',
      dollars:
        idleReceives *
        ((queueMappings.length - fifoMappings) * prices.sqsStandardRequest.dollars +
          fifoMappings * prices.sqsFifoRequest.dollars),
      note: `estimated: ${IDLE_POLLERS_PER_QUEUE} pollers per queue, a ${LONG_POLL_SECONDS} s long poll each`,
    },
    {
      item: 'Custom metrics (EMF), idle',
      quantity: assumptions.metricSeries,
      unit: 'metric series',
      dollars: 0,
      note: `billed by the hour only while published: ${formatDollars(
        assumptions.metricSeries * prices.cloudWatchCustomMetric.dollars,
      )} a month under steady traffic`,
    },
  ];
}

export const formatDollars = (dollars: number) => `$${dollars.toFixed(dollars < 1 ? 4 : 2)}`;
