import { TOKENS_PER_CLAIM } from '../../shared/http/rate-limit.ts';
import type { Prices } from './prices.ts';

/** What a run counted (or, where a field says so, estimated), for `apiRequests` requests to the API. */
export interface MeasuredRun {
  apiRequests: number;
  dynamoDb: { readUnits: number; writeUnits: number };
  /** Billed SQS requests (64 KB chunks), by the price they are billed at. */
  sqs: { standard: number; fifo: number; fair: number };
  s3: { writeRequests: number; readRequests: number };
  lambda: { invocations: number; gbSeconds: number };
  edge: { responseBytes: number };
  observability: { logBytes: number; traces: number };
}

/** Whose cost a row is: what the target is read against, the edge tier in front, or the logs and traces. */
export type CostGroup = 'service' | 'edge' | 'observability';

export interface CostRow {
  group: CostGroup;
  component: string;
  quantity: number;
  unit: string;
  dollars: number;
  perMillionRequests: number;
}

/** The dollars of each component of a run, and per million API requests. */
export function costRows(run: MeasuredRun, prices: Prices): CostRow[] {
  const row = (
    group: CostGroup,
    component: string,
    quantity: number,
    unit: string,
    unitPrice: number,
  ): CostRow => {
    const dollars = quantity * unitPrice;
    return {
      group,
      component,
      quantity,
      unit,
      dollars,
      perMillionRequests: run.apiRequests === 0 ? 0 : (dollars / run.apiRequests) * 1e6,
    };
  };
  const sqsRequests = run.sqs.standard + run.sqs.fair;
  const gigabytes = (bytes: number) => bytes / 1024 ** 3;
  return [
    row('service', 'API Gateway HTTP API', run.apiRequests, 'requests', prices.httpApiRequest.dollars),
    row('service', 'Lambda requests', run.lambda.invocations, 'invocations', prices.lambdaRequest.dollars),
    row('service', 'Lambda duration (arm64)', run.lambda.gbSeconds, 'GB-s', prices.lambdaArmGbSecond.dollars),
    row(
      'service',
      'DynamoDB writes',
      run.dynamoDb.writeUnits,
      'WRU',
      prices.dynamoDbWriteRequestUnit.dollars,
    ),
    row('service', 'DynamoDB reads', run.dynamoDb.readUnits, 'RRU', prices.dynamoDbReadRequestUnit.dollars),
    row(
      'service',
      'SQS standard and fair queues',
      sqsRequests,
      'requests',
      prices.sqsStandardRequest.dollars,
    ),
    row(
      'service',
      'SQS fair queue surcharge',
      run.sqs.fair,
      'requests',
      prices.sqsFairQueueSurcharge.dollars,
    ),
    row('service', 'SQS FIFO queues', run.sqs.fifo, 'requests', prices.sqsFifoRequest.dollars),
    row('service', 'S3 PUT/COPY/POST/LIST', run.s3.writeRequests, 'requests', prices.s3WriteRequest.dollars),
    row('service', 'S3 GET and others', run.s3.readRequests, 'requests', prices.s3ReadRequest.dollars),
    row(
      'edge',
      'CloudFront HTTPS requests',
      run.apiRequests,
      'requests',
      prices.cloudFrontHttpsRequest.dollars,
    ),
    row(
      'edge',
      'CloudFront data transfer out',
      gigabytes(run.edge.responseBytes),
      'GB',
      prices.cloudFrontDataTransferOut.dollars,
    ),
    row('edge', 'WAF requests', run.apiRequests, 'requests', prices.wafRequest.dollars),
    row(
      'observability',
      'CloudWatch Logs ingestion',
      gigabytes(run.observability.logBytes),
      'GB',
      prices.cloudWatchLogIngestion.dollars,
    ),
    row(
      'observability',
      'X-Ray traces',
      run.observability.traces,
      'traces',
      prices.xRayTraceRecorded.dollars,
    ),
  ];
}

/** The dollars per million API requests of the rows in the given groups. */
export function perMillion(rows: readonly CostRow[], groups: readonly CostGroup[]): number {
  return rows
    .filter((row) => groups.includes(row.group))
    .reduce((sum, row) => sum + row.perMillionRequests, 0);
}

/**
 * The share of a function's invocations that X-Ray's default sampling rule records: the first request of each
 * second and 5% of the others, at `perSecond` invocations a second.
 */
export function sampledShare(perSecond: number): number {
  if (perSecond <= 1) return 1;
  return (1 + 0.05 * (perSecond - 1)) / perSecond;
}

/** Lambda's billed GB-seconds of one invocation: duration rounded up to the millisecond, times the memory. */
export function billedGbSeconds(durationMs: number, memoryMb: number): number {
  return (Math.ceil(durationMs) / 1000) * (memoryMb / 1024);
}

/** SQS bills each 64 KB chunk of a request's payload as one request, and at least one. */
export function billedSqsRequests(payloadBytes: number): number {
  return Math.max(1, Math.ceil(payloadBytes / (64 * 1024)));
}

/**
 * The SQS requests Lambda's event source mapping makes to deliver `messages` in batches of `batchSize`, when every
 * batch is full (a busy queue): one ReceiveMessage per batch and one DeleteMessageBatch per ten messages of a
 * batch. A model of a rate the run did not reach, beside the run's own count of its deliveries.
 */
export function pollerRequestsIfBatchesFull(messages: number, batchSize: number): number {
  const batches = Math.ceil(messages / batchSize);
  return batches + batches * Math.ceil(Math.min(batchSize, messages) / 10);
}

/** Lambda gives a function one vCPU at 1,769 MB, and CPU in proportion to its memory (AWS Lambda docs). */
export const MEMORY_MB_PER_VCPU = 1769;

/**
 * A model of an invocation's duration on Lambda at `memoryMb`, from its time alone here (`durationMs`, with one
 * core to itself) of which `cpuMs` was CPU: the CPU part stretched by the share of a vCPU Lambda gives that
 * memory (a single thread gains nothing above one vCPU), the waiting part as it was.
 */
export function durationAtMemory(durationMs: number, cpuMs: number, memoryMb: number): number {
  const cpu = Math.min(cpuMs, durationMs);
  return durationMs - cpu + cpu * Math.max(1, MEMORY_MB_PER_VCPU / memoryMb);
}

/** What the floor of the design is made of, per API request, each at its least price. */
export interface FloorCounts {
  apiRequests: number;
  /** GB-s of the API's own functions (one invocation per request), at their durations alone. */
  apiGbSeconds: number;
  /** The transactions that put a link (the adds, a retried one again), and their items (2 WRU each at least). */
  adds: number;
  itemsPerAddTransaction: number;
  /** Entries written into readers' feeds by adds, edits, deletes and follows (1 WRU each at least). */
  feedEntries: number;
  /**
   * The same, scaled to the changes of a typical draw of the workload (the followers of the changes' authors, on
   * average over other seeds), when known: a few changes by large authors move a run's count a lot.
   */
  typicalFeedEntries?: number | undefined;
  /** The index entries that each feed entry writes beside its item (1 WRU each at least). */
  indexEntriesPerFeedEntry: number;
}

export interface FloorRow {
  part: string;
  perMillionRequests: number;
  /** What the news costs (the feed entries): without it, the floor of a service that keeps no news at all. */
  news: boolean;
}

/**
 * The floor of this architecture per million API requests: what every request costs whatever is tuned (API
 * Gateway, one Lambda invocation at the API functions' measured duration, the rate limiter's strongly consistent
 * read of a user's credentials mark (one RRU) and its claim of TOKENS_PER_CLAIM requests a write (one WRU)), and what the adds' transactions and the feed entries written cost at one WRU per item (two in a
 * transaction), a feed entry's index entries included, and the strongly consistent read of its slot by the feed's
 * one writer (one RRU).
 */
export function floorRows(counts: FloorCounts, prices: Prices): FloorRow[] {
  const perMillion = (dollars: number) => (dollars / counts.apiRequests) * 1e6;
  const n = counts.apiRequests;
  return [
    {
      part: 'API Gateway: one request',
      perMillionRequests: perMillion(n * prices.httpApiRequest.dollars),
      news: false,
    },
    {
      part: 'Lambda: one invocation, at the API functions’ duration alone',
      perMillionRequests: perMillion(
        n * prices.lambdaRequest.dollars + counts.apiGbSeconds * prices.lambdaArmGbSecond.dollars,
      ),
      news: false,
    },
    {
      part: `DynamoDB: the rate limiter’s mark read (1 RRU), and a claim (1 WRU) per ${TOKENS_PER_CLAIM} requests`,
      perMillionRequests: perMillion(
        n *
          (prices.dynamoDbReadRequestUnit.dollars +
            prices.dynamoDbWriteRequestUnit.dollars / TOKENS_PER_CLAIM),
      ),
      news: false,
    },
    {
      part: `DynamoDB: each add’s transaction (${counts.itemsPerAddTransaction.toFixed(1)} items, 2 WRU each)`,
      perMillionRequests: perMillion(
        counts.adds * counts.itemsPerAddTransaction * 2 * prices.dynamoDbWriteRequestUnit.dollars,
      ),
      news: false,
    },
    {
      part: `DynamoDB: the feed entries written (${1 + counts.indexEntriesPerFeedEntry} WRU each: item and index)`,
      perMillionRequests: perMillion(
        counts.feedEntries * (1 + counts.indexEntriesPerFeedEntry) * prices.dynamoDbWriteRequestUnit.dollars,
      ),
      news: true,
    },
    {
      part: 'DynamoDB: each feed entry’s slot read first by its one writer (1 RRU)',
      perMillionRequests: perMillion(counts.feedEntries * prices.dynamoDbReadRequestUnit.dollars),
      news: true,
    },
  ];
}
