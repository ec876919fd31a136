import { AsyncLocalStorage } from 'node:async_hooks';
import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler';
import { eventSources, queueConcurrencyOf, schedules, type FunctionName } from '../shared/wiring.ts';

/**
 * The AWS SDK's connections in the local runtime, which runs every function in one process against one
 * DynamoDB Local and one emulator.
 *
 * Deployed, each function instance has a pool of its own, and DynamoDB has room for all of them. With one pool
 * for the whole process, a large fan-out's feed writes (hundreds queued behind the SDK's 50 sockets) made every
 * API request wait seconds for a socket. So the requests that would come from different fleets of instances
 * take different pools:
 * - the functions behind the API, and whatever runs outside an invocation (the runtime's own dev login), take
 *   one of the SDK's default size;
 * - the event consumers and scheduled functions take one of PIPELINE_SOCKETS, the feed writers' declared
 *   concurrency: DynamoDB Local gets slower, not faster, with more calls at once, and they would wait inside it
 *   in front of the API's.
 */
export const PIPELINE_SOCKETS = queueConcurrencyOf('writeFeeds');
const API_SOCKETS = 50;

type Fleet = 'api' | 'pipeline';

const pipelineFunctions: ReadonlySet<FunctionName> = new Set([
  ...eventSources.map((source) => source.function),
  ...schedules.map((schedule) => schedule.function),
]);

const fleetOfInvocation = new AsyncLocalStorage<Fleet>();

/** Runs one invocation of `name` so that its SDK calls take its fleet's pool. */
export function inFleetOf<T>(name: FunctionName, work: () => T): T {
  return fleetOfInvocation.run(pipelineFunctions.has(name) ? 'pipeline' : 'api', work);
}

/** The fleet of the invocation running now: undefined outside an invocation (the runtime's own work, a test's). */
export function currentFleet(): Fleet | undefined {
  return fleetOfInvocation.getStore();
}

/** An SDK request handler that sends each request through the pool of the fleet of the invocation making it. */
export class PoolsByFleet extends NodeHttpHandler {
  private readonly pipeline = new NodeHttpHandler({
    ...pooled(PIPELINE_SOCKETS),
    // Its queue is the design, not a fault to warn of (the SDK warns when requests wait for a socket).
    logger: { ...console, warn: () => undefined },
  });

  constructor() {
    super(pooled(API_SOCKETS));
  }

  override handle(...args: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
    return fleetOfInvocation.getStore() === 'pipeline'
      ? this.pipeline.handle(...args)
      : super.handle(...args);
  }

  /** Shared by every client of the process, which may destroy itself: the pools stay, their idle sockets unref'd. */
  override destroy(): void {}
}

let pools: PoolsByFleet | undefined;

/** The process's one transport: runtimes started one after another in a process (tests) share it. */
export const poolsByFleet = (): PoolsByFleet => (pools ??= new PoolsByFleet());

function pooled(maxSockets: number): NodeHttpHandlerOptions {
  return { httpAgent: { keepAlive: true, maxSockets } };
}
