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
