import { eventSources, functions, HTTP_SIZE, type FunctionName } from '../../shared/wiring.ts';
import { queuePricing, type InvocationCount, type QueuePricing } from './meters.ts';
import { prices } from './prices.ts';
import {
  billedGbSeconds,
  durationAtMemory,
  floorRows,
  perMillion,
  pollerRequestsIfBatchesFull,
  type CostRow,
  type FloorCounts,
  type FloorRow,
} from './pricing.ts';

// What `npm run bench:cost` (bench/cost.ts) prints of a run: its tables and their notes.

/** The cost target: dollars per million API requests, the service alone. */
export const TARGET_PER_MILLION = 2.0;

/** Where and for what run a report prints. */
export interface Report {
  print: (line?: string) => void;
  /** The API requests measured. */
  requests: number;
  /** The steady request rate assumed for X-Ray's sampling. */
  trafficRps: number;
}

export function printCostTable(report: Report, rows: CostRow[]): void {
  const { print, trafficRps } = report;
  print(`\nCost per million API requests (TRAFFIC_RPS=${trafficRps} for X-Ray's sampling)`);
  print(
    '  component                        quantity in the run         $ in the run   $ per million requests',
  );
  const groupTitles = {
    service: 'the service (API, Lambda, DynamoDB, SQS, S3)',
    edge: 'the edge in front (CloudFront, WAF)',
    observability: 'logs and traces',
  } as const;
  for (const group of ['service', 'edge', 'observability'] as const) {
    print(`  -- ${groupTitles[group]}`);
    for (const row of rows.filter((candidate) => candidate.group === group))
      print(
        `  ${row.component.padEnd(31)}  ${`${formatQuantity(row.quantity)} ${row.unit}`.padEnd(26)}  ${row.dollars.toFixed(5).padStart(12)}   ${row.perMillionRequests.toFixed(4).padStart(10)}`,
      );
  }
  const service = perMillion(rows, ['service']);
  print(
    `  total, the service              ${`$${service.toFixed(2)}`.padStart(63)}   target <= $${TARGET_PER_MILLION.toFixed(2)}: ${service <= TARGET_PER_MILLION ? 'met' : 'NOT met'}`,
  );
  print(
    `  total, with the edge             ${`$${perMillion(rows, ['service', 'edge']).toFixed(2)}`.padStart(63)}`,
  );
  print(
    `  total, with the edge, logs and traces ${`$${perMillion(rows, ['service', 'edge', 'observability']).toFixed(2)}`.padStart(58)}`,
  );
}

function formatQuantity(quantity: number): string {
  return Number.isInteger(quantity) ? String(quantity) : quantity.toFixed(quantity < 10 ? 4 : 1);
}

/** One function's figures: the run's invocations, and its mean duration under the run's load and alone. */
export interface LambdaRow {
  name: FunctionName;
  memoryMb: number;
  invocations: number;
  loadMs: number;
  /** From the calibration; undefined when it did not run there (then the duration under load stands in). */
  aloneMs: number | undefined;
  aloneCpuMs: number | undefined;
  estimateMs: number;
  gbSecondsUnderLoad: number;
  /** The run's invocations at the duration alone: what is priced. */
  gbSecondsAlone: number;
  /** The same with the CPU part stretched to the function's share of a vCPU on Lambda (durationAtMemory). */
  gbSecondsAtShare: number;
}

export function lambdaRows(run: InvocationCount, calibration: InvocationCount): LambdaRow[] {
  return [...run.byFunction]
    .map(([function_, usage]): LambdaRow => {
      const name = function_ as FunctionName;
      const memoryMb = functions[name].size.memoryMb;
      const calibrated = calibration.byFunction.get(name);
      const aloneMs = calibrated && calibrated.durationMs / calibrated.invocations;
      const aloneCpuMs = calibrated && calibrated.cpuMs / calibrated.invocations;
      const loadMs = usage.durationMs / usage.invocations;
      const estimateMs = aloneMs ?? loadMs;
      return {
        name,
        memoryMb,
        invocations: usage.invocations,
        loadMs,
        aloneMs,
        aloneCpuMs,
        estimateMs,
        gbSecondsUnderLoad: usage.gbSeconds,
        gbSecondsAlone: usage.invocations * billedGbSeconds(estimateMs, memoryMb),
        gbSecondsAtShare:
          usage.invocations *
          billedGbSeconds(durationAtMemory(estimateMs, aloneCpuMs ?? 0, memoryMb), memoryMb),
      };
    })
    .sort((a, b) => b.gbSecondsAlone - a.gbSecondsAlone);
}

export function printLambdaRows(report: Report, rows: LambdaRow[]): void {
  const { print, requests } = report;
  print(
    "\nLambda, by function: memory as declared (shared/wiring.ts); mean duration under the run's load and alone " +
      "(the calibration; CPU: the process's CPU time in it); GB-s of the run's invocations at each. Both durations " +
      "are this machine's (one core, DynamoDB Local answering), not Lambda's",
  );
  print(
    '  function                    MB   invocations   per request   ms, load   ms, alone   CPU ms   GB-s, load   GB-s, alone',
  );
  for (const row of rows)
    print(
      `  ${row.name.padEnd(24)}  ${String(row.memoryMb).padStart(5)}   ${String(row.invocations).padStart(11)}   ` +
        `${(row.invocations / requests).toFixed(3).padStart(11)}   ${row.loadMs.toFixed(0).padStart(8)}   ` +
        `${row.aloneMs === undefined ? '*'.padStart(9) : row.aloneMs.toFixed(0).padStart(9)}   ` +
        `${row.aloneCpuMs === undefined ? ''.padStart(6) : row.aloneCpuMs.toFixed(0).padStart(6)}   ` +
        `${row.gbSecondsUnderLoad.toFixed(2).padStart(10)}   ${row.gbSecondsAlone.toFixed(2).padStart(11)}`,
    );
  if (rows.some((row) => row.aloneMs === undefined))
    print('  * not run in the calibration: its duration under load stands in for its duration alone');
  print('  why each function has its memory (shared/wiring.ts):');
  const byWhy = new Map<string, LambdaRow[]>();
  for (const row of rows)
    byWhy.set(functions[row.name].size.why, [...(byWhy.get(functions[row.name].size.why) ?? []), row]);
  for (const [why, group] of byWhy)
    print(`    ${group[0]!.memoryMb} MB, ${group.map((row) => row.name).join(', ')}: ${why}`);
  const listing = rows.find((row) => row.name === 'listLinks');
  if (listing?.aloneMs !== undefined) {
    const plainMs = durationAtMemory(listing.aloneMs, listing.aloneCpuMs ?? 0, HTTP_SIZE.memoryMb);
    const dollars = (ms: number, memoryMb: number) =>
      ((listing.invocations * billedGbSeconds(ms, memoryMb) * prices.lambdaArmGbSecond.dollars) / requests) *
      1e6;
    print(
      `  listLinks runs at ${listing.memoryMb} MB for its searches (q); none of this workload's listings searches. ` +
        `The plain listing at ${HTTP_SIZE.memoryMb} MB, its CPU time stretched to that share of a vCPU (a model): ` +
        `${plainMs.toFixed(0)} ms, $${dollars(plainMs, HTTP_SIZE.memoryMb).toFixed(2)} per million requests instead of ` +
        `$${dollars(listing.aloneMs, listing.memoryMb).toFixed(2)} (README, "Cost": what routing it apart would take)`,
    );
  }
}

/**
 * The event source mappings' SQS requests as counted (one receive per delivery, at this run's rate) beside a
 * model of a busy queue, where every batch is full.
 */
export function printPollerModel(report: Report, count: InvocationCount): void {
  const { print, requests } = report;
  const batchSizes = new Map(
    eventSources.flatMap((source) =>
      source.kind === 'queue' ? [[source.queue, source.batchSize] as const] : [],
    ),
  );
  const parts = [...count.deliveries].map(([queue, { batches, messages }]) => {
    const batchSize = batchSizes.get(queue) ?? 1;
    const full = pollerRequestsIfBatchesFull(messages, batchSize);
    return { queue, batches, messages, batchSize, full, pricing: queuePricing(queue) };
  });
  const price = (pricing: QueuePricing) =>
    pricing === 'fifo'
      ? prices.sqsFifoRequest.dollars
      : prices.sqsStandardRequest.dollars + (pricing === 'fair' ? prices.sqsFairQueueSurcharge.dollars : 0);
  const counted = count.pollerSqs;
  const countedDollars =
    counted.standard * price('standard') + counted.fair * price('fair') + counted.fifo * price('fifo');
  const fullDollars = parts.reduce((sum, part) => sum + part.full * price(part.pricing), 0);
  print(
    `  the mappings' requests are a model: one receive per delivery as this run delivered them (messages per ` +
      `batch: ${parts.map((part) => `${part.queue} ${(part.messages / part.batches).toFixed(1)} of ${part.batchSize}`).join(', ')}), ` +
      `$${((countedDollars / requests) * 1e6).toFixed(2)} per million requests, priced below; with every batch full ` +
      `(a busy queue) $${((fullDollars / requests) * 1e6).toFixed(2)}. Empty long polls are the idle cost, at rest`,
  );
}

/** The floor of this design (pricing.ts floorRows), beside the target. */
export function printFloor(report: Report, counts: FloorCounts): void {
  const { print } = report;
  const rows = floorRows(counts, prices);
  print(
    `\nThe floor of this design per million requests, from this run's counts, each at its least price ` +
      `(${(counts.adds / counts.apiRequests).toFixed(3)} transactions that put a link and ${(counts.feedEntries / counts.apiRequests).toFixed(2)} feed entries per request)`,
  );
  for (const row of rows)
    print(`  ${row.part.padEnd(66)} ${`$${row.perMillionRequests.toFixed(4)}`.padStart(9)}`);
  const totalLine = (label: string, of: FloorRow[], missed: string) => {
    const total = of.reduce((sum, row) => sum + row.perMillionRequests, 0);
    print(
      `  ${label.padEnd(66)} ${`$${total.toFixed(2)}`.padStart(9)}   ` +
        `target <= $${TARGET_PER_MILLION.toFixed(2)}: ${total <= TARGET_PER_MILLION ? 'within reach' : missed}`,
    );
  };
  totalLine(
    'total, before any other pipeline step, search, S3 or read',
    rows,
    'out of reach without changing the design',
  );
  if (counts.typicalFeedEntries !== undefined) {
    const typical = floorRows({ ...counts, feedEntries: counts.typicalFeedEntries }, prices);
    totalLine(
      `the same for a typical draw (${(counts.typicalFeedEntries / counts.apiRequests).toFixed(2)} feed entries per request)`,
      typical,
      'out of reach without changing the design',
    );
  }
  // What any design of the news would add to: the floor of a service that keeps no news at all.
  totalLine(
    'the same without any feed entry (a service with no news at all)',
    rows.filter((row) => !row.news),
    'out of reach whatever the news costs',
  );
}
