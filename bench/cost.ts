import './cost/environment.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { observeInvocations, runInvocationsOneAtATime } from '../local/functions.ts';
import { startDynamoDbLocal, startQueuesAndBuckets } from '../local/engines.ts';
import { checkpointStreamEnd } from '../local/pollers.ts';
import { startRuntime, STREAM_CHECKPOINTS_FILE } from '../local/runtime.ts';
import { documentClient } from '../shared/aws/dynamodb.ts';
import { config } from '../shared/config.ts';
import { keyPrefixes } from '../shared/keys.ts';
import { LARGE_AUTHORS_MAX } from '../shared/news/core.ts';
import { DynamoLargeAuthors } from '../shared/news/dynamodb.ts';
import { onEachObjectClient } from '../shared/aws/s3.ts';
import { sqsClient } from '../shared/aws/sqs.ts';
import { idempotencyClient } from '../shared/http/idempotency.ts';
import { ACCESS_LOG_FIELDS } from '../lib/api.ts';
import { httpFunctionNames, tables } from '../shared/wiring.ts';
import { TestSite } from '../test/support/test-site.ts';
import { atRestRows, formatDollars, prodResources } from './cost/at-rest.ts';
import {
  countInvocation,
  indexKeysByTableName,
  watchFeedWrites,
  meterCapacity,
  meterS3,
  meterSqs,
  noCapacity,
  noInvocations,
  noS3,
  noSqs,
  queuesByName,
} from './cost/meters.ts';
import { FunctionOutput } from './cost/output.ts';
import {
  lambdaRows,
  printCostTable,
  printFloor,
  printLambdaRows,
  printPollerModel,
  type LambdaRow,
  type Report,
} from './cost/report.ts';
import { prices } from './cost/prices.ts';
import { costRows, sampledShare, type MeasuredRun } from './cost/pricing.ts';
import {
  changesOf,
  OPERATIONS,
  population,
  seedFollows,
  typicalDraws,
  Workload,
  type DrawnChanges,
  type WorkloadShape,
} from './cost/workload.ts';

/**
 * `npm run bench:cost`: the cost of a million API requests, measured on the local runtime and priced at AWS's
 * us-east-1 list prices (bench/cost/prices.ts), then the monthly cost of the stack at rest.
 *
 * REQUESTS (3000) sets the measured requests, IN_FLIGHT (4) how many are sent at once, AUTHORS (300) the
 * ordinary authors, LARGE_AUTHORS (3) and LARGE_FOLLOWERS (10000) the large ones, READERS (100) the followers who
 * sign in, TRAFFIC_RPS (10) the steady request rate assumed for X-Ray's sampling, TABLE_GB (1) and BUCKET_GB (1)
 * the data assumed at rest, CALIBRATION_REQUESTS (100, at most REQUESTS) the requests sent one at a time after the
 * run to time each function alone, which is the duration priced. The workload is also drawn with TYPICAL_DRAWS
 * (200) other seeds, nothing sent, to show how typical the run's draw is (bench/cost/workload.ts). Never part of
 * `npm test`.
 */
const requests = Number(process.env.REQUESTS ?? 3000);
/** The other draws of the workload that show how typical the run's is. */
const TYPICAL_DRAWS = 200;
const inFlight = Number(process.env.IN_FLIGHT ?? 4);
const trafficRps = Number(process.env.TRAFFIC_RPS ?? 10);
const calibrationRequests = Number(process.env.CALIBRATION_REQUESTS ?? Math.min(100, requests));
const shape: WorkloadShape = {
  ordinaryAuthors: Number(process.env.AUTHORS ?? 300),
  largeAuthors: Number(process.env.LARGE_AUTHORS ?? 3),
  largeFollowers: Number(process.env.LARGE_FOLLOWERS ?? 10_000),
  readers: Number(process.env.READERS ?? 100),
  initialLinks: 2,
  seed: 20261202,
};

/**
 * What Lambda itself writes to a function's log for each invocation (START, END and REPORT with its X-Ray line),
 * as it writes them; the functions' own lines are counted as they write them.
 */
const PLATFORM_LINES = [
  'START RequestId: 8f5ad2b6-3c8e-4d55-9a1e-6c1f0b2f7e41 Version: 12',
  'END RequestId: 8f5ad2b6-3c8e-4d55-9a1e-6c1f0b2f7e41',
  'REPORT RequestId: 8f5ad2b6-3c8e-4d55-9a1e-6c1f0b2f7e41\tDuration: 23.45 ms\tBilled Duration: 24 ms\t' +
    'Memory Size: 512 MB\tMax Memory Used: 112 MB\t\nXRAY TraceId: 1-6750a1b2-3c4d5e6f7a8b9c0d1e2f3a4b\t' +
    'SegmentId: 0a1b2c3d4e5f6a7b\tSampled: true\t',
];
const PLATFORM_BYTES_PER_INVOCATION = PLATFORM_LINES.reduce((sum, line) => sum + line.length + 1, 0);
/** One access log line of the HTTP API (lib/api.ts `ACCESS_LOG_FIELDS`), with typical values. */
const ACCESS_LOG_BYTES = JSON.stringify(
  Object.fromEntries(
    Object.keys(ACCESS_LOG_FIELDS).map((field) => [
      field,
      {
        requestId: 'Cx1AbjQjIAMEbxg=',
        time: '02/Dec/2026:15:26:03 +0000',
        ip: '203.0.113.42',
        userAgent:
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
        method: 'GET',
        routeKey: 'GET /v1/links',
        path: '/v1/links',
        protocol: 'HTTP/1.1',
        status: '200',
        responseLength: '4321',
        latencyMs: '38',
        integrationLatencyMs: '35',
        integrationStatus: '200',
        integrationError: '-',
        error: '-',
      }[field],
    ]),
  ),
).length;

const output = new FunctionOutput();
const print = (line?: string) => output.print(line);
const report: Report = { print, requests, trafficRps };
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

print(`Cost of a million API requests, measured on the local runtime (load average ${load()})`);
const site = await TestSite.start();
const dynamoDb = await startDynamoDbLocal({ port: 0 });
const emulator = await startQueuesAndBuckets({ port: 0 });
const engines = { dynamoDbEndpoint: dynamoDb.endpoint, queuesEndpoint: emulator.endpoint };
const dataDir = mkdtempSync(join(tmpdir(), 'delinkcious-cost-'));
const local = { port: 0, dynamoDbPort: 0, queuesPort: 0, prefix: 'cost-', engines };
const people = population(shape);
let started = performance.now();
// The follow edges are setup: written before any poller runs, and the social stream's consumers start after
// them, as a backfill of each of the tens of thousands of new followers would be most of the setup's time.
const setup = await startRuntime({ ...local, pollers: false });
await seedFollows(setup, people);
// The authors above the large-author threshold have been large for long, as in a steady state: listed as of a
// day ago, so the run reads their changes at news time from the start. (A listing made during the run would
// take effect only after the fan-out's window for copies of the list, and their changes in the run be pushed.)
const largeAuthors = new DynamoLargeAuthors(setup.tableNames.feeds);
const longAgo = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
for (const author of people.authors)
  if (author.large && author.followers.length > config().NEWS_LARGE_AUTHOR_FOLLOWERS)
    await largeAuthors.enlist(author.username, LARGE_AUTHORS_MAX, longAgo);
await setup.stop();
await checkpointStreamEnd(
  { ...engines, tableNames: setup.tableNames, checkpointFile: join(dataDir, STREAM_CHECKPOINTS_FILE) },
  'social',
);
const runtime = await startRuntime({ ...local, dataDir });
try {
  // What the meters count. They hold these objects: a reset empties them in place, and the run's counts are put
  // back the same way after the calibration.
  const counts = {
    capacity: noCapacity(),
    sqs: noSqs(),
    s3: noS3(),
    /**
     * Entries written into readers' feeds (the timelines of large authors are in the same table), and the
     * transactions that put a link (the adds), with their items: the floor's counts.
     */
    writes: { feedEntries: 0, linkTransactions: 0, linkTransactionItems: 0 },
    invocations: noInvocations(),
  };
  const emptyCounts = structuredClone(counts);
  const putBack = (saved: typeof counts) => {
    for (const name of Object.keys(counts) as (keyof typeof counts)[])
      Object.assign(counts[name], structuredClone(saved[name]));
  };
  const { capacity, sqs, s3, writes, invocations } = counts;
  const indexKeysOf = indexKeysByTableName(runtime.tableNames);
  meterCapacity(documentClient(), capacity, indexKeysOf);
  meterCapacity(idempotencyClient(), capacity, indexKeysOf);
  meterSqs(sqsClient(), runtime.queueUrls, sqs);
  onEachObjectClient((client) => meterS3(client, s3));
  watchFeedWrites(documentClient(), runtime.tableNames.feeds, ({ command, input, feedWrites }) => {
    writes.feedEntries += feedWrites.filter(
      ({ pk, landed }) => landed && pk.startsWith(keyPrefixes.feeds.reader),
    ).length;
    const items = (input.TransactItems as { Put?: { TableName?: string } }[] | undefined) ?? [];
    if (
      command === 'TransactWriteItems' &&
      items.some((item) => item.Put?.TableName === runtime.tableNames.links)
    ) {
      writes.linkTransactions++;
      writes.linkTransactionItems += items.length;
    }
  });
  /** The invocations of the calibration, each run alone (see below). */
  const alone = noInvocations();
  const queueNames = queuesByName(runtime.queueUrls);
  let invoked = 0;
  let counted = invocations;
  observeInvocations((invocation) => {
    invoked++;
    countInvocation(counted, invocation, queueNames);
  });
  const activity = () => capacity.calls + invoked;
  /** Until neither a DynamoDB call nor an invocation happened for `forMs`: the pipeline has drained. */
  const quiet = async (forMs = 3000) => {
    for (let last = -1; last !== activity();) {
      last = activity();
      await new Promise((done) => setTimeout(done, forMs));
    }
  };

  const workload = new Workload(runtime, site, people, shape.seed + 1);
  const large = people.authors.filter((author) => author.large);
  const followerCounts = people.authors
    .filter((author) => !author.large)
    .map((author) => author.followers.length);
  followerCounts.sort((a, b) => a - b);
  print(
    `Setup: ${shape.ordinaryAuthors} authors with a median of ${followerCounts[Math.floor(followerCounts.length / 2)]} followers ` +
      `(max ${followerCounts.at(-1)}), ${large.length} with ${shape.largeFollowers}; ${people.edges} follow edges; ` +
      `${shape.readers} readers`,
  );
  await workload.signIn();
  await workload.addInitialLinks(shape.initialLinks, inFlight);
  await quiet();
  print(`  done in ${((performance.now() - started) / 1000).toFixed(0)} s (not measured)`);

  putBack(emptyCounts);
  output.counting = true;
  started = performance.now();
  const drawnBefore = workload.drawn.length;
  const outcomes = await workload.run(requests, inFlight);
  const runDraw = changesOf(people, workload.drawn.slice(drawnBefore));
  const requestsSeconds = (performance.now() - started) / 1000;
  await quiet();
  const drainedSeconds = (performance.now() - started) / 1000;
  output.counting = false;
  const drainedLoad = load();

  // The calibration: more of the same mix, one request at a time and every invocation alone (the local runtime
  // queues them), so that each function's duration is its own rather than this machine's under the run's load.
  // Its requests and what they cost are not the run's: the run's counts are put back after it.
  const runCounts = structuredClone(counts);
  counted = alone;
  runInvocationsOneAtATime(true);
  const calibrationStarted = performance.now();
  const calibrationOutcomes = await workload.run(calibrationRequests, 1);
  // A large author's change is rare in the mix, and only it continues a fan-out: one each, so that it is timed too.
  for (const author of large) calibrationOutcomes.push(await workload.add(author.username));
  await quiet();
  runInvocationsOneAtATime(false);
  counted = invocations;
  const calibrationSeconds = (performance.now() - calibrationStarted) / 1000;
  putBack(runCounts);

  print(
    `\n${requests} requests, ${inFlight} at a time, in ${requestsSeconds.toFixed(0)} s; the pipeline drained ` +
      `${drainedSeconds.toFixed(0)} s after the first (load average ${drainedLoad})`,
  );
  print(
    `Calibration: ${calibrationRequests} more requests of the mix and an add by each large author, one at a ` +
      `time, each invocation alone: ` +
      `${[...alone.byFunction.values()].reduce((sum, usage) => sum + usage.invocations, 0)} invocations in ` +
      `${calibrationSeconds.toFixed(0)} s (load average ${load()}; not counted in the costs)`,
  );
  const calibrationFailures = calibrationOutcomes.filter((outcome) => outcome.status >= 500);
  if (calibrationFailures.length > 0)
    throw new Error(`${calibrationFailures.length} calibration requests answered 5xx`);
  print('  operation   requests   statuses');
  for (const operation of OPERATIONS) {
    const mine = outcomes.filter((outcome) => outcome.operation === operation);
    const statuses = new Map<number, number>();
    for (const outcome of mine) statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
    print(
      `  ${operation.padEnd(10)}  ${String(mine.length).padStart(8)}   ${[...statuses]
        .map(([status, n]) => `${status} x${n}`)
        .join(', ')}`,
    );
  }
  const failed = outcomes.filter((outcome) => outcome.status >= 500);
  if (failed.length > 0) throw new Error(`${failed.length} requests answered 5xx`);

  // Whether the large authors were pushed or read at news time, and what pushing them costs.
  const listed = new Set(
    (await new DynamoLargeAuthors(runtime.tableNames.feeds).list())
      .filter((listing) => listing.endedAt === undefined)
      .map((listing) => listing.author),
  );
  const largeNames = new Set(large.map((author) => author.username));
  const largeChanges = outcomes.filter(
    (outcome) =>
      largeNames.has(outcome.username) &&
      ['add', 'update', 'delete'].includes(outcome.operation) &&
      outcome.status < 300,
  ).length;
  const feedUnits = capacity.writeUnitsByTable.get(runtime.tableNames.feeds) ?? 0;
  const unitsPerEntry = writes.feedEntries === 0 ? 1 : feedUnits / writes.feedEntries;
  const pulled = large.filter((author) => listed.has(author.username)).length;
  print(
    `\nLarge authors: ${pulled} of ${large.length} read at news time (NEWS_LARGE_AUTHOR_FOLLOWERS=` +
      `${config().NEWS_LARGE_AUTHOR_FOLLOWERS}), ${large.length - pulled} pushed; ${largeChanges} adds, updates ` +
      `and deletes of theirs; ${writes.feedEntries} feed entries written in all, ${unitsPerEntry.toFixed(2)} WRU ` +
      `each (the feeds table's write units over them)`,
  );
  // How typical the run's draw of requests is: the same workload drawn with other seeds (nothing sent).
  const others = typicalDraws(people, shape, requests, TYPICAL_DRAWS);
  const othersMean = (of: (changes: DrawnChanges) => number) =>
    others.reduce((sum, changes) => sum + of(changes), 0) / others.length;
  const range = (of: (changes: DrawnChanges) => number, digits: number) =>
    `${Math.min(...others.map(of)).toFixed(digits)} to ${Math.max(...others.map(of)).toFixed(digits)}`;
  const audiencePerRequest = (changes: DrawnChanges) => changes.audience / requests;
  print(
    `  the draw: this run's ${requests} requests hold ${runDraw.largeChanges} changes by large authors, and their ` +
      `changes' authors have ${audiencePerRequest(runDraw).toFixed(1)} followers per request in all (a feed entry ` +
      `each, pushed); ${TYPICAL_DRAWS} other draws of the same workload: ` +
      `${othersMean((changes) => changes.largeChanges).toFixed(1)} large authors' changes on average ` +
      `(${range((changes) => changes.largeChanges, 0)}), ${othersMean(audiencePerRequest).toFixed(1)} followers ` +
      `per request (${range(audiencePerRequest, 1)}). The costs below are the run's draw's`,
  );
  if (pulled > 0)
    print(
      `  pushed instead, each of their changes would write ${shape.largeFollowers} entries: about ` +
        `${(largeChanges * shape.largeFollowers * unitsPerEntry).toFixed(0)} WRU more, ` +
        `$${((largeChanges * shape.largeFollowers * unitsPerEntry * prices.dynamoDbWriteRequestUnit.dollars * 1e6) / requests).toFixed(2)} ` +
        'per million requests more in DynamoDB alone (an estimate, not in the tables below)',
    );

  const functionRows = lambdaRows(invocations, alone);
  const lambdaInvocations = functionRows.reduce((sum, row) => sum + row.invocations, 0);
  const traces = functionRows.reduce(
    (sum, row) => sum + row.invocations * sampledShare((row.invocations / requests) * trafficRps),
    0,
  );
  const run: MeasuredRun = {
    apiRequests: requests,
    dynamoDb: {
      readUnits: capacity.readUnits + capacity.estimatedReadUnits,
      writeUnits: capacity.writeUnits + capacity.estimatedWriteUnits,
    },
    sqs: {
      standard: sqs.standard + invocations.pollerSqs.standard,
      fair: sqs.fair + invocations.pollerSqs.fair,
      fifo: sqs.fifo + invocations.pollerSqs.fifo,
    },
    s3,
    // Priced at the durations alone: see printLambdaRows.
    lambda: {
      invocations: lambdaInvocations,
      gbSeconds: functionRows.reduce((sum, row) => sum + row.gbSecondsAlone, 0),
    },
    edge: { responseBytes: outcomes.reduce((sum, outcome) => sum + outcome.bytes, 0) },
    observability: {
      logBytes:
        output.bytes + lambdaInvocations * PLATFORM_BYTES_PER_INVOCATION + requests * ACCESS_LOG_BYTES,
      traces,
    },
  };

  printLambdaRows(report, functionRows);
  print(
    `\nDynamoDB: ${capacity.calls} calls, ${capacity.reported} answered ConsumedCapacity; ` +
      `${capacity.readUnits.toFixed(1)} RRU, ${capacity.writeUnits.toFixed(1)} WRU (${capacity.estimatedPartiqlWriteUnits} ` +
      "of them estimated from the items' sizes: PartiQL writes, which the local engine answers without " +
      `ConsumedCapacity), and ${capacity.estimatedWriteUnits} WRU estimated for writes refused by a condition, ` +
      `${capacity.estimatedReadUnits.toFixed(1)} RRU for keys read that hold no item (DynamoDB bills them as ` +
      'items of up to 4 KB; the local engine answers 0) ' +
      `(${((capacity.readUnits + capacity.estimatedReadUnits) / requests).toFixed(2)} RRU and ${((capacity.writeUnits + capacity.estimatedWriteUnits) / requests).toFixed(2)} WRU per request). ` +
      'On-demand tables (lib/tables.ts); stream reads by the event source mappings are free on AWS and not counted',
  );
  print(
    `  by command: ${[...capacity.byCommand]
      .sort((a, b) => b[1].units - a[1].units)
      .map(([command, { calls, units }]) => `${command} ${calls} calls ${units.toFixed(1)} units`)
      .join('; ')}`,
  );
  print(
    `SQS: the functions' own requests ${sqs.standard} standard, ${sqs.fair} fair, ${sqs.fifo} FIFO; the event ` +
      `source mappings' receives and deletes (from the deliveries) ${invocations.pollerSqs.standard} standard, ` +
      `${invocations.pollerSqs.fair} fair, ${invocations.pollerSqs.fifo} FIFO`,
  );
  printPollerModel(report, invocations);
  print(
    `S3: ${s3.writeRequests} PUT/LIST, ${s3.readRequests} GET/HEAD. Logs: ${output.lines} lines, ` +
      `${(output.bytes / 1024).toFixed(0)} KB written by the functions, plus ${PLATFORM_BYTES_PER_INVOCATION} bytes ` +
      `of Lambda's own per invocation and ${ACCESS_LOG_BYTES} of API access log per request`,
  );
  print(
    `  S3 by request: ${[...s3.byPurpose]
      .sort((a, b) => b[1] - a[1])
      .map(([purpose, count]) => `${purpose} ${count}`)
      .join('; ')}`,
  );

  // How much the durations weigh: the mean alone, and what each 10 ms more of it would cost.
  const gbPerInvocation =
    functionRows.reduce((sum, row) => sum + row.invocations * row.memoryMb, 0) / 1024 / lambdaInvocations;
  const meanMs = (ms: (row: LambdaRow) => number) =>
    functionRows.reduce((sum, row) => sum + row.invocations * ms(row), 0) / lambdaInvocations;
  print(
    `Lambda: ${(lambdaInvocations / requests).toFixed(2)} invocations per request, ${meanMs((row) => row.estimateMs).toFixed(0)} ms ` +
      `each on average alone (${meanMs((row) => row.loadMs).toFixed(0)} ms under the run's load); each 10 ms of mean ` +
      `duration is $${((lambdaInvocations / requests) * gbPerInvocation * 0.01 * prices.lambdaArmGbSecond.dollars * 1e6).toFixed(3)} per million requests`,
  );

  const rows = costRows(run, prices);
  printCostTable(report, rows);
  const lambdaDollars = (gbSeconds: number) =>
    ((gbSeconds * prices.lambdaArmGbSecond.dollars) / requests) * 1e6;
  print(
    `  Lambda duration is priced at each function's duration alone (the calibration), an estimate: $` +
      `${lambdaDollars(run.lambda.gbSeconds).toFixed(2)} per million; at the run's durations under load it would be ` +
      `$${lambdaDollars(functionRows.reduce((sum, row) => sum + row.gbSecondsUnderLoad, 0)).toFixed(2)}, and with ` +
      `each function's CPU time stretched to its share of a vCPU on Lambda (a model, see above) ` +
      `$${lambdaDollars(functionRows.reduce((sum, row) => sum + row.gbSecondsAtShare, 0)).toFixed(2)}`,
  );
  printFloor(report, {
    apiRequests: requests,
    apiGbSeconds: functionRows
      .filter((row) => httpFunctionNames().includes(row.name))
      .reduce((sum, row) => sum + row.gbSecondsAlone, 0),
    adds: writes.linkTransactions,
    itemsPerAddTransaction:
      writes.linkTransactions === 0 ? 0 : writes.linkTransactionItems / writes.linkTransactions,
    feedEntries: writes.feedEntries,
    typicalFeedEntries:
      runDraw.audience === 0
        ? undefined
        : (writes.feedEntries * othersMean((changes) => changes.audience)) / runDraw.audience,
    // Every entry has the sort key of each of the feeds table's local indexes (byTime).
    indexEntriesPerFeedEntry: tables.feeds.localIndexes.length,
  });

  print('\nAt rest, a month with no traffic (prod stage, from its synthesized templates)');
  const resources = prodResources();
  const monthly = atRestRows(resources, prices, {
    tableGb: Number(process.env.TABLE_GB ?? 1),
    bucketGb: Number(process.env.BUCKET_GB ?? 1),
    metricSeries: output.metricSeries.size,
  });
  for (const row of monthly)
    print(
      `  ${row.item.padEnd(66)} ${formatDollars(row.dollars).padStart(9)}${row.note ? `   ${row.note}` : ''}`,
    );
  print(
    `  ${'total'.padEnd(66)} ${formatDollars(monthly.reduce((sum, row) => sum + row.dollars, 0)).padStart(9)}`,
  );
  print(
    '  (free at rest: API Gateway, CloudFront, Lambda, on-demand DynamoDB capacity, SQS queues themselves, SNS,\n' +
      '   CodeDeploy, the AWS managed KMS keys; stored logs cost $0.03 per GB-month as traffic leaves them)',
  );

  print(
    '\nPrices (us-east-1 list prices; "known": the last list price known, not read from the page that day)',
  );
  for (const [name, price] of Object.entries(prices))
    print(
      `  ${name.padEnd(28)} $${price.dollars.toPrecision(4).padEnd(10)} per ${price.per}; ${price.source}, ${price.read}${'known' in price ? ', known' : ''}`,
    );
} finally {
  await runtime.stop();
  await dynamoDb.stop();
  await emulator.stop();
  await site.stop();
  rmSync(dataDir, { recursive: true, force: true });
  output.stop();
}
