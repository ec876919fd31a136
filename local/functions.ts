import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { functions, type FunctionDeclaration, type FunctionName } from '../shared/wiring.ts';
import { inFleetOf } from './sdk-pools.ts';

const FUNCTIONS_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', 'functions');

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * The local runtime serves many invocations at once in one process, as a Lambda Managed Instance does; like Lambda
 * there, it says so in the functions' environment (local/runtime.ts sets this) and runs each invocation in a context
 * of its own in the invoke store (async local storage). Powertools then keeps per invocation what it otherwise
 * keeps per process: the Logger's keys and Lambda context, so that a log line names its own request and function,
 * and the batch processor's records and failures.
 */
export const CONCURRENT_INVOCATIONS_ENVIRONMENT = { AWS_LAMBDA_MAX_CONCURRENCY: '1000' };
// Made when this module loads, before any AWS SDK call asks for a store, so that the one store that everybody
// shares (the first one made is kept on globalThis) is one that runs concurrent contexts.
const invokeStore = InvokeStore.getInstanceAsync(true);

const loaded = new Map<FunctionName, Promise<Handler>>();

/** The module a function is declared with, imported once and kept warm, as Lambda keeps a warm container. */
function loadHandler(name: FunctionName): Promise<Handler> {
  let handler = loaded.get(name);
  if (!handler) {
    const declaration: FunctionDeclaration = functions[name];
    const file = pathToFileURL(resolve(FUNCTIONS_DIR, `${declaration.entry}.ts`)).href;
    // Module code runs in a context of its own, as Lambda's init phase is no invocation: Powertools' batch
    // processor writes to the store when it is constructed, which needs a context once invocations are concurrent.
    handler = invokeStore
      .then((store) => store.run({}, () => import(file)))
      .then((module: { handler?: Handler }) => {
        if (typeof module.handler !== 'function') throw new Error(`${file} exports no handler`);
        return module.handler;
      });
    loaded.set(name, handler);
  }
  return handler;
}

function lambdaContext(name: FunctionName): Context {
  const declaration: FunctionDeclaration = functions[name];
  const timeoutMs = declaration.size.timeoutSeconds * 1000;
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `delinkcious-local-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:delinkcious-local-${name}`,
    memoryLimitInMB: String(declaration.size.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/delinkcious-local-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** One invocation as Lambda would bill it: which function, on what event, for how long. */
export interface Invocation {
  name: FunctionName;
  event: unknown;
  /** From the handler's start to its answer (or throw); the module's first load is not included. */
  durationMs: number;
  /**
   * The process's CPU time (user and system) over the same span: the invocation's own only when it ran alone
   * (runInvocationsOneAtATime), else shared with whatever else the process ran meanwhile.
   */
  cpuMs: number;
  failed: boolean;
}

/** The end of the last invocation queued while invocations run one at a time; undefined while they run at once. */
let lastInQueue: Promise<void> | undefined;

/**
 * Makes every invocation from now on wait for the one before it to end (true), or lets them run at once again
 * (false, the default): the cost benchmark times each function alone so. Nothing a function does waits for
 * another invocation, so the queue cannot deadlock.
 */
export function runInvocationsOneAtATime(oneAtATime: boolean): void {
  lastInQueue = oneAtATime ? Promise.resolve() : undefined;
}

/** Waits for this invocation's turn; the answer ends it. */
async function turn(): Promise<() => void> {
  if (!lastInQueue) return () => undefined;
  const before = lastInQueue;
  let end!: () => void;
  lastInQueue = new Promise<void>((done) => (end = done));
  await before;
  return end;
}

const invocationObservers = new Set<(invocation: Invocation) => void>();

/** Calls `observer` after every invocation of a function in this process; returns what stops it. */
export function observeInvocations(observer: (invocation: Invocation) => void): () => void {
  invocationObservers.add(observer);
  return () => invocationObservers.delete(observer);
}

/** Runs a declared function on an event, as Lambda would. */
export async function invoke(name: FunctionName, event: unknown): Promise<unknown> {
  const handler = await loadHandler(name);
  const endTurn = await turn();
  const context = lambdaContext(name);
  const started = performance.now();
  // The CPU time is for observers (the cost benchmark); reading it costs about 0.05 ms a time.
  const cpuBefore = invocationObservers.size > 0 ? process.cpuUsage() : undefined;
  let failed = false;
  try {
    return await inFleetOf(name, () => inInvokeContext(() => handler(event, context), context.awsRequestId));
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    const durationMs = performance.now() - started;
    endTurn();
    if (cpuBefore) {
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      for (const observer of invocationObservers) observer({ name, event, durationMs, cpuMs, failed });
    }
  }
}

/**
 * Runs `work` in a context of its own in the invoke store: as one invocation when given its request id, else as
 * an init phase. For code that builds or calls handlers itself (a test's stand-in for a function) in a process
 * where invocations are concurrent.
 */
export async function inInvokeContext<T>(work: () => T, requestId?: string): Promise<Awaited<T>> {
  const store = await invokeStore;
  return store.run(
    requestId ? { [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: requestId } : {},
    work,
  ) as Awaited<T>;
}

/** Replaces an `authorization` header of `Bearer <dev-login:NAME>` with a fresh local token for NAME. */
export async function withDevToken<T>(event: T): Promise<T> {
  const headers = (event as { headers?: Record<string, string> }).headers;
  const placeholder = /^Bearer <dev-login:([^>]+)>$/.exec(headers?.authorization ?? '');
  if (!placeholder || !headers) return event;
  const { sessions } = await import('../shared/users/service.ts');
  const issued = await sessions().devLogin(placeholder[1]!);
  return { ...event, headers: { ...headers, authorization: `Bearer ${issued.accessToken}` } };
}
