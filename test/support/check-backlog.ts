import { startPollers, type PollerEnvironment, type Pollers } from '../../local/pollers.ts';
import { ensureQueuesAndBuckets } from '../../local/resources.ts';
import type { Runtime } from '../../local/runtime.ts';
import type { CheckRequest } from '../../shared/checker/model.ts';
import { eventSources, queues } from '../../shared/wiring.ts';

/** Link checks in bulk on the local runtime, for the fairness test and benchmark. */

/** A user's checks of `count` links, numbered from 0; `urlOf` gives the n-th link's URL. */
export function checkRequests(
  username: string,
  count: number,
  urlOf: (n: number) => string = (n) => `https://example.com/${username}/${n}`,
): CheckRequest[] {
  const requestedAt = new Date().toISOString();
  return Array.from({ length: count }, (_, n) => ({
    username,
    url: urlOf(n),
    cause: 'added' as const,
    requestedAt,
  }));
}

/** A link-check queue of its own (with its dead-letter queue), beside the runtime's. */
export async function aCheckQueue(runtime: Runtime, prefix: string): Promise<string> {
  const env = await ensureQueuesAndBuckets(runtime.queuesEndpoint, prefix);
  return env[queues.linkChecks.envVar]!;
}

/**
 * Runs only checkLink's pollers, on the given queue, with or without the queue's declared fairness, invoking
 * the real function unless `invoke` stands in for it.
 */
export function pollChecks(
  runtime: Runtime,
  queueUrl: string,
  options: { fair: boolean; invoke?: PollerEnvironment['invoke'] },
): Pollers {
  return startPollers({
    dynamoDbEndpoint: runtime.dynamoDbEndpoint,
    queuesEndpoint: runtime.queuesEndpoint,
    tableNames: runtime.tableNames,
    queueUrls: { ...runtime.queueUrls, linkChecks: queueUrl },
    sources: eventSources.filter((s) => s.kind === 'queue' && s.queue === 'linkChecks'),
    fairQueues: options.fair,
    invoke: options.invoke,
  });
}
