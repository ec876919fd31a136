import { Metrics, type MetricUnit } from '@aws-lambda-powertools/metrics';
import { SERVICE_NAME } from './logger.ts';

/**
 * Business metrics, in CloudWatch's Embedded Metric Format: JSON lines in the function's log that CloudWatch turns
 * into metrics, with no API call (Powertools Metrics). Emitted by handlers, which know what happened; the cores
 * stay free of them. Published once per invocation, at its end (the HTTP gate and the batch handlers do it).
 *
 * Dimensions are few, so that each metric is a handful of time series: `service` and `stage` on every one, and
 * `verdict`, `outcome` or `route_group` (a context: ops, users, links, ...) where a metric declares it. Never a
 * username, a URL or an id.
 */
export const METRICS_NAMESPACE = 'Delinkcious';

/** The one list of metrics: handlers emit them by key, and the dashboard and alarms (lib/) read their names. */
export const BUSINESS_METRICS = {
  linksAdded: { name: 'LinksAdded', unit: 'Count' },
  linksUpdated: { name: 'LinksUpdated', unit: 'Count' },
  linksDeleted: { name: 'LinksDeleted', unit: 'Count' },
  follows: { name: 'Follows', unit: 'Count' },
  unfollows: { name: 'Unfollows', unit: 'Count' },
  /** Entries written into followers' feeds: by the fan-out's feed writes, and by the backfill of a new follow. */
  feedEntriesWritten: { name: 'FeedEntriesWritten', unit: 'Count' },
  /** From a link's change (its own timestamp) to its write into followers' feeds: one value per feed write. */
  fanOutLag: { name: 'FanOutLag', unit: 'Milliseconds' },
  /** Link checks by verdict: valid, invalid, or skipped (the link went or was checked meanwhile). */
  linkChecks: { name: 'LinkChecks', unit: 'Count', dimension: 'verdict' },
  linkCheckDuration: { name: 'LinkCheckDuration', unit: 'Milliseconds', dimension: 'verdict' },
  /** Imports that ended, by outcome (the import's own status: done or failed). */
  importsFinished: { name: 'ImportsFinished', unit: 'Count', dimension: 'outcome' },
  /** The size of each imported file, counted once, when its import ends. */
  importFileSize: { name: 'ImportFileSize', unit: 'Bytes' },
  importsStarted: { name: 'ImportsStarted', unit: 'Count' },
  /**
   * Each HTTP request's time in its function, by route group (the function's context in the wiring): its p99 and
   * its sample count (the requests) feed the service-level alarms.
   */
  requestLatency: { name: 'RequestLatency', unit: 'Milliseconds', dimension: 'route_group' },
  /** 1 for each HTTP request answered 5xx, 0 for the others: its average is the route group's 5xx rate. */
  serverErrors: { name: 'ServerErrors', unit: 'Count', dimension: 'route_group' },
  /** Requests answered 429 by the functions' own per-client limit. */
  requestsRateLimited: { name: 'RequestsRateLimited', unit: 'Count' },
  /** Requests answered 401: no token, or an unknown, expired or revoked one. */
  authenticationFailures: { name: 'AuthenticationFailures', unit: 'Count' },
} as const satisfies Record<
  string,
  { name: string; unit: (typeof MetricUnit)[keyof typeof MetricUnit]; dimension?: string }
>;

export type BusinessMetric = keyof typeof BUSINESS_METRICS;
type DimensionedMetric = {
  [Key in BusinessMetric]: (typeof BUSINESS_METRICS)[Key] extends { dimension: string } ? Key : never;
}[BusinessMetric];
type PlainMetric = Exclude<BusinessMetric, DimensionedMetric>;

/** The dimensions every metric carries, as CloudWatch sees them (lib/monitoring.ts names metrics by them). */
export function defaultDimensions(stage: string): Record<string, string> {
  return { service: SERVICE_NAME, stage };
}

let instance: Metrics | undefined;
/** One instance per dimension value (a handful: verdicts, outcomes, route groups), each flushed as it is used. */
const lines = new Map<string, Metrics>();

const stage = () => process.env.STAGE || 'local';

/**
 * Made on first use, so that merely importing the list (as the CDK app does) does nothing. The stage is the
 * function's STAGE (`local` in the local runtime and tests).
 */
function metrics(): Metrics {
  instance ??= new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: SERVICE_NAME,
    defaultDimensions: { stage: stage() },
  });
  return instance;
}

/** Adds a value to a metric without dimensions of its own; it leaves with the invocation's other metrics. */
export function emit(metric: PlainMetric, value = 1): void {
  const { name, unit } = BUSINESS_METRICS[metric];
  metrics().addMetric(name, unit, value);
}

/**
 * Values of metrics that declare a dimension, all under one value of it (`verdict: valid`): they leave at once,
 * as one EMF line of their own, since the dimensions of a line apply to every metric on it.
 */
export function emitBy(dimensionValue: string, values: Partial<Record<DimensionedMetric, number>>): void {
  const entries = Object.entries(values) as [DimensionedMetric, number][];
  if (entries.length === 0) return;
  const dimension = BUSINESS_METRICS[entries[0]![0]].dimension;
  const key = `${dimension}=${dimensionValue}`;
  let line = lines.get(key);
  if (!line) {
    line = new Metrics({
      namespace: METRICS_NAMESPACE,
      serviceName: SERVICE_NAME,
      defaultDimensions: { stage: stage(), [dimension]: dimensionValue },
    });
    lines.set(key, line);
  }
  for (const [metric, value] of entries) {
    const { name, unit } = BUSINESS_METRICS[metric];
    line.addMetric(name, unit, value);
  }
  line.publishStoredMetrics();
}

/** Writes what the invocation added, as one EMF line; nothing when it added nothing. */
export function publishMetrics(): void {
  const current = metrics();
  if (current.hasStoredMetrics()) current.publishStoredMetrics();
}

/** Tests read the environment again (POWERTOOLS_METRICS_DISABLED, STAGE) with a fresh instance. */
export function resetMetricsForTests(): void {
  instance = undefined;
  lines.clear();
}
