import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';

/**
 * `npm start` killed outright (SIGKILL: no exit hook runs) leaves no engine behind, so the next start finds its
 * ports free. What runs `npm start` is the tsx command, which runs local/start.ts in a Node child of its own; either
 * one may be the process that gets killed.
 */

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TSX_CLI = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
/** Java starting on a busy machine: generous; nothing here measures speed. */
const STARTED_WITHIN_MS = 90_000;
const GONE_WITHIN_MS = 30_000;

let started: ChildProcess | undefined;
afterEach(() => {
  started?.kill('SIGKILL');
  started = undefined;
});

interface StartedService {
  process: ChildProcess;
  apiPort: number;
  dynamoDbPort: number;
  queuesPort: number;
}

/** Runs `npm start --in-memory` on free ports, as `command` does it, until it says it is running. */
function startService(command: string[]): Promise<StartedService> {
  const child = spawn(process.execPath, [...command, 'local/start.ts', '--in-memory'], {
    cwd: REPO,
    env: { ...process.env, PORT: '0', DYNAMODB_PORT: '0', FAUXQS_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started = child;
  let output = '';
  return new Promise((done, fail) => {
    const port = (label: string) => Number(new RegExp(`${label}\\s+http://[\\w.]+:(\\d+)`).exec(output)![1]);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Delinkcious is running.') && output.includes('SQS + S3')) {
        done({
          process: child,
          apiPort: port('API'),
          dynamoDbPort: port('DynamoDB Local'),
          queuesPort: port('SQS \\+ S3'),
        });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => fail(new Error(`npm start ended with ${code} before it ran:\n${output}`)));
  });
}

/** Pids of DynamoDB Local processes listening on `port` (read from /proc, so Linux only). */
function dynamoDbLocalOn(port: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // ended meanwhile
    }
    const portAt = args.indexOf('-port');
    if (args.some((arg) => arg.includes('DynamoDBLocal')) && args[portAt + 1] === String(port)) {
      pids.push(Number(entry));
    }
  }
  return pids;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** Whether anything of the service is left: its Java process, or a listener on any of its ports. */
async function leftOver(service: StartedService) {
  return {
    java: dynamoDbLocalOn(service.dynamoDbPort),
    listening: (
      await Promise.all(
        [service.apiPort, service.dynamoDbPort, service.queuesPort].map(async (port) =>
          (await accepts(port)) ? [port] : [],
        ),
      )
    ).flat(),
  };
}

const nothingLeft = (left: { java: number[]; listening: number[] }) =>
  left.java.length === 0 && left.listening.length === 0;

describe.skipIf(process.platform !== 'linux')('npm start killed with SIGKILL', () => {
  it.each([
    {
      killed: 'the process running local/start.ts',
      gone: 'its Java process and ports are gone soon after',
      launch: ['--import', 'tsx'],
    },
    {
      killed: 'the tsx command that started the service',
      gone: 'the service stops and its Java process and ports are gone soon after',
      launch: [TSX_CLI],
    },
  ])(
    'given a running service, when $killed is killed, then $gone',
    async ({ launch }) => {
      const service = await startService(launch);
      expect(dynamoDbLocalOn(service.dynamoDbPort)).toHaveLength(1);

      service.process.kill('SIGKILL');

      expect(await eventually(() => leftOver(service), nothingLeft, GONE_WITHIN_MS)).toEqual({
        java: [],
        listening: [],
      });
    },
    STARTED_WITHIN_MS + GONE_WITHIN_MS,
  );
});
