import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { functions, type FunctionDeclaration, type FunctionName } from '../shared/wiring.ts';

const FUNCTIONS_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', 'functions');

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const loaded = new Map<FunctionName, Promise<Handler>>();

/** The module a function is declared with, imported once and kept warm, as Lambda keeps a warm container. */
export function loadHandler(name: FunctionName): Promise<Handler> {
  let handler = loaded.get(name);
  if (!handler) {
    const declaration: FunctionDeclaration = functions[name];
    const file = pathToFileURL(resolve(FUNCTIONS_DIR, `${declaration.entry}.ts`)).href;
    handler = import(file).then((module: { handler?: Handler }) => {
      if (typeof module.handler !== 'function') throw new Error(`${file} exports no handler`);
      return module.handler;
    });
    loaded.set(name, handler);
  }
  return handler;
}

export function lambdaContext(name: FunctionName): Context {
  const declaration: FunctionDeclaration = functions[name];
  const timeoutMs = (declaration.timeoutSeconds ?? 10) * 1000;
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `delinkcious-local-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:delinkcious-local-${name}`,
    memoryLimitInMB: String(declaration.memoryMb ?? 256),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/delinkcious-local-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Runs a declared function on an event, as Lambda would. */
export async function invoke(name: FunctionName, event: unknown): Promise<unknown> {
  const handler = await loadHandler(name);
  return handler(event, lambdaContext(name));
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
