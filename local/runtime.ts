import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  buckets,
  queues,
  tableEnvironment,
  type BucketName,
  type QueueName,
  type TableName,
} from '../shared/wiring.ts';
import { startBucketNotifications } from './bucket-notifications.ts';
import { startPollers } from './pollers.ts';
import {
  LOCAL_AWS,
  LocalSetupError,
  startDynamoDbLocal,
  startQueuesAndBuckets,
  claimablePort,
  type Engine,
} from './engines.ts';
import { CONCURRENT_INVOCATIONS_ENVIRONMENT } from './functions.ts';
import { createApiServer } from './http-server.ts';
import { ensureQueuesAndBuckets, ensureTables, localTableNames } from './resources.ts';
import { poolsByFleet } from './sdk-pools.ts';
import { useSdkTransport } from '../shared/aws/transport.ts';
import { parseCheckerSettings } from '../shared/checker/config.ts';
import { readSettings } from '../shared/config.ts';

interface RuntimeOptions {
  /** API port; 0 picks a free one. */
  port: number;
  /** Where the engines keep their data; undefined runs everything in memory. */
  dataDir?: string | undefined;
  dynamoDbPort: number;
  queuesPort: number;
  /** Prefix of local table, queue and bucket names. */
  prefix?: string;
  /** Run the stream and queue pollers (the event source mappings); on unless false. */
  pollers?: boolean;
  /** The web client's build (build/web/) to serve beside the API; none when undefined. */
  webClientBuild?: string | undefined;
  /** Engines that already run (tests share one pair); when given, none are started. */
  engines?: { dynamoDbEndpoint: string; queuesEndpoint: string };
}

/** The file under the data directory where the pollers keep their stream positions. */
export const STREAM_CHECKPOINTS_FILE = 'stream-checkpoints.json';

export interface Runtime {
  url: string;
  dynamoDbEndpoint: string;
  queuesEndpoint: string;
  tableNames: Record<TableName, string>;
  queueUrls: Record<QueueName, string>;
  stop(): Promise<void>;
}

/**
 * The service's and the link checker's settings in `env` (`.env`, the environment), read as the functions will
 * read them: a bad value stops the start with the variable's name, instead of failing every request that reads it.
 */
export function checkSettings(env: Record<string, string | undefined>): void {
  for (const read of [readSettings, parseCheckerSettings]) {
    try {
      read(env);
    } catch (error) {
      throw new LocalSetupError((error as Error).message);
    }
  }
}

/**
 * The whole service on one machine: DynamoDB Local, the SQS/S3 emulator, the declared tables, queues and
 * buckets, and an API Gateway stand-in that calls the same handler modules as the deployed functions.
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  checkSettings(process.env);
  const prefix = options.prefix ?? 'delinkcious-';
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  const started: Engine[] = [];
  const stopAll = async () => {
    for (const engine of started.reverse()) await engine.stop().catch(() => undefined);
  };
  try {
    const apiPort = await claimablePort(options.port, 'the API', 'PORT');
    let dynamo: Pick<Engine, 'endpoint'>;
    let emulator: Pick<Engine, 'endpoint'>;
    if (options.engines) {
      dynamo = { endpoint: options.engines.dynamoDbEndpoint };
      emulator = { endpoint: options.engines.queuesEndpoint };
    } else {
      const dynamoDbLocal = await startDynamoDbLocal({
        port: options.dynamoDbPort,
        dataDir: dataDir && join(dataDir, 'dynamodb'),
      });
      started.push(dynamoDbLocal);
      dynamo = dynamoDbLocal;
      const queuesAndBuckets = await startQueuesAndBuckets({
        port: options.queuesPort,
        dataDir: dataDir && join(dataDir, 'queues'),
      });
      started.push(queuesAndBuckets);
      emulator = queuesAndBuckets;
    }

    const tableNames = localTableNames(prefix);
    await ensureTables(dynamo.endpoint, tableNames);
    const resourceEnv = await ensureQueuesAndBuckets(emulator.endpoint, prefix);

    // What a deployed function finds in its environment, pointed at the local engines.
    Object.assign(process.env, {
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: emulator.endpoint,
      AWS_ENDPOINT_URL_S3: emulator.endpoint,
      // The emulator serves buckets by path (<endpoint>/<bucket>/<key>), presigned snapshot URLs included.
      S3_FORCE_PATH_STYLE: 'true',
      LOCAL_RUNTIME: 'true',
      // Metrics are printed as EMF lines, as Lambda writes them to its log; nothing traces locally.
      STAGE: 'local',
      POWERTOOLS_TRACE_ENABLED: 'false',
      PAGE_TOKEN_SECRET: pageTokenSecret(dataDir),
      // GitHub sends the browser back here; GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET come from the environment.
      GITHUB_CALLBACK_URL: process.env.GITHUB_CALLBACK_URL || `http://localhost:${apiPort}/login/authorized`,
      ...tableEnvironment(tableNames),
      ...resourceEnv,
      ...CONCURRENT_INVOCATIONS_ENVIRONMENT,
    });
    delete process.env.AWS_PROFILE;
    useSdkTransport(poolsByFleet());

    const queueUrls = Object.fromEntries(
      (Object.keys(queues) as QueueName[]).map((name) => [name, resourceEnv[queues[name].envVar]!]),
    ) as Record<QueueName, string>;
    if (options.pollers !== false) {
      const pollers = startPollers({
        dynamoDbEndpoint: dynamo.endpoint,
        queuesEndpoint: emulator.endpoint,
        tableNames,
        queueUrls,
        checkpointFile: dataDir && join(dataDir, STREAM_CHECKPOINTS_FILE),
      });
      started.push({ endpoint: '', stop: () => pollers.stop() });
      // The emulator sends no S3 event notifications: the runtime sends them (local/bucket-notifications.ts).
      const notifications = startBucketNotifications({
        queuesEndpoint: emulator.endpoint,
        bucketNames: bucketNamesOf(resourceEnv),
        queueUrls,
      });
      started.push({ endpoint: '', stop: () => notifications.stop() });
    }

    const server = createApiServer({ webClientBuild: options.webClientBuild });
    await new Promise<void>((done) => server.listen(apiPort, '127.0.0.1', done));
    started.push({
      endpoint: '',
      stop: () => new Promise<void>((done) => server.close(() => done()).closeAllConnections()),
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://localhost:${port}`,
      dynamoDbEndpoint: dynamo.endpoint,
      queuesEndpoint: emulator.endpoint,
      tableNames,
      queueUrls,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function bucketNamesOf(resourceEnv: Record<string, string>): Record<BucketName, string> {
  return Object.fromEntries(
    (Object.keys(buckets) as BucketName[]).map((name) => [name, resourceEnv[buckets[name].envVar]!]),
  ) as Record<BucketName, string>;
}

/** The key that signs pagination tokens: kept beside the data, so tokens stay valid across restarts. */
function pageTokenSecret(dataDir: string | undefined): string {
  if (process.env.PAGE_TOKEN_SECRET) return process.env.PAGE_TOKEN_SECRET;
  if (!dataDir) return randomBytes(32).toString('base64url');
  const file = join(dataDir, 'page-token-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
