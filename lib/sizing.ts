import {
  functions,
  httpFunctionNames,
  type FunctionDeclaration,
  type FunctionName,
} from '../shared/wiring.ts';

/**
 * Memory and timeout of each function, and why. A value the wiring declares (`memoryMb`, `timeoutSeconds`) wins:
 * the timeouts of queue consumers are tied to their queues' visibility timeouts there. Otherwise the function
 * gets its own entry below, or its kind's default.
 *
 * Lambda gives CPU in proportion to memory (one vCPU at 1,769 MB), and a cold start is mostly CPU: reading and
 * compiling a bundle of about 1 MB. 512 MB halves the cold start of 256 MB for about the same cost per request,
 * since a CPU-bound request finishes in about half the time; beyond it the handlers mostly wait on DynamoDB.
 */
export interface Size {
  memoryMb: number;
  timeoutSeconds: number;
  why: string;
}

/** Functions behind the API: one or two DynamoDB round trips and some JSON. */
export const HTTP_DEFAULT: Size = {
  memoryMb: 512,
  timeoutSeconds: 10,
  why:
    'an HTTP handler: a few DynamoDB calls (the SDK retries throttling within the 10 s); no client should ' +
    'wait longer, and API Gateway gives up at 30 s',
};

/** Functions fed by a stream, a queue or a schedule: batches of writes. */
export const EVENT_DEFAULT: Size = {
  memoryMb: 512,
  timeoutSeconds: 30,
  why: 'an event consumer: a batch of up to 100 records, each a few DynamoDB or SQS calls, with retries',
};

const OWN: Partial<Record<FunctionName, Partial<Size> & { why: string }>> = {
  openapi: {
    memoryMb: 1024,
    why:
      'builds the OpenAPI document from every schema at its first request, which is CPU-bound: more memory ' +
      'is more CPU, and the document is then served from memory',
  },
  docs: { memoryMb: 256, why: 'serves one constant page; nothing to compute' },
  healthz: { memoryMb: 256, why: 'answers from memory after one rate-limit update' },
  notFound: { memoryMb: 256, why: 'answers 404 or 405 from the route table after one rate-limit update' },
};

export function sizeOf(name: FunctionName): Size {
  const declaration = functions[name] as FunctionDeclaration;
  const base = httpFunctionNames().includes(name) ? HTTP_DEFAULT : EVENT_DEFAULT;
  const own = OWN[name];
  const fromWiring = declaration.memoryMb !== undefined || declaration.timeoutSeconds !== undefined;
  return {
    memoryMb: declaration.memoryMb ?? own?.memoryMb ?? base.memoryMb,
    timeoutSeconds: declaration.timeoutSeconds ?? own?.timeoutSeconds ?? base.timeoutSeconds,
    why: [own?.why ?? base.why, ...(fromWiring ? ['(values declared in shared/wiring.ts win)'] : [])].join(
      ' ',
    ),
  };
}
