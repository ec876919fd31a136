import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { tableEnvironment, type TableName } from '../shared/wiring.ts';
import {
  LOCAL_AWS,
  startDynamoDbLocal,
  startQueuesAndBuckets,
  claimablePort,
  type Engine,
} from './engines.ts';
import { createApiServer } from './http-server.ts';
import { ensureQueuesAndBuckets, ensureTables, localTableNames } from './resources.ts';

export interface RuntimeOptions {
  /** API port; 0 picks a free one. */
  port: number;
  /** Where the engines keep their data; undefined runs everything in memory. */
  dataDir?: string | undefined;
  dynamoDbPort: number;
  queuesPort: number;
  /** Prefix of local table, queue and bucket names. */
  prefix?: string;
  /** Engines that already run (tests share one pair); when given, none are started. */
  engines?: { dynamoDbEndpoint: string; queuesEndpoint: string };
}

export interface Runtime {
  url: string;
  dynamoDbEndpoint: string;
  queuesEndpoint: string;
  tableNames: Record<TableName, string>;
  stop(): Promise<void>;
}

/**
 * The whole service on one machine: DynamoDB Local, the SQS/S3 emulator, the declared tables, queues and
 * buckets, and an API Gateway stand-in that calls the same handler modules as the deployed functions.
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const prefix = options.prefix ?? 'delinkcious-';
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  const started: Engine[] = [];
  const stopAll = async () => {
    for (const engine of started.reverse()) await engine.stop().catch(() => undefined);
  };
  try {
    const apiPort = await claimablePort(options.port, 'the API', 'PORT');
    let dynamo: Pick<Engine, 'endpoint'>;
    let queues: Pick<Engine, 'endpoint'>;
    if (options.engines) {
      dynamo = { endpoint: options.engines.dynamoDbEndpoint };
      queues = { endpoint: options.engines.queuesEndpoint };
    } else {
      const dynamoDbLocal = await startDynamoDbLocal({
        port: options.dynamoDbPort,
        dataDir: dataDir && join(dataDir, 'dynamodb'),
      });
      started.push(dynamoDbLocal);
      dynamo = dynamoDbLocal;
      const emulator = await startQueuesAndBuckets({
        port: options.queuesPort,
        dataDir: dataDir && join(dataDir, 'queues'),
      });
      started.push(emulator);
      queues = emulator;
    }

    const tableNames = localTableNames(prefix);
    await ensureTables(dynamo.endpoint, tableNames);
    const resourceEnv = await ensureQueuesAndBuckets(queues.endpoint, prefix);

    // What a deployed function finds in its environment, pointed at the local engines.
    Object.assign(process.env, {
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: queues.endpoint,
      AWS_ENDPOINT_URL_S3: queues.endpoint,
      LOCAL_RUNTIME: 'true',
      PAGE_TOKEN_SECRET: pageTokenSecret(dataDir),
      ...tableEnvironment(tableNames),
      ...resourceEnv,
    });
    delete process.env.AWS_PROFILE;

    const server = createApiServer();
    await new Promise<void>((done) => server.listen(apiPort, '127.0.0.1', done));
    started.push({
      endpoint: '',
      stop: () => new Promise<void>((done) => server.close(() => done()).closeAllConnections()),
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://localhost:${port}`,
      dynamoDbEndpoint: dynamo.endpoint,
      queuesEndpoint: queues.endpoint,
      tableNames,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
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
