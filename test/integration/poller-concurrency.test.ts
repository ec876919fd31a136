import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../local/engines.ts';
import { startPollers } from '../../local/pollers.ts';
import type { Runtime } from '../../local/runtime.ts';
import { eventSources, type EventSourceDeclaration } from '../../shared/wiring.ts';
import { aCheckQueue } from '../support/check-backlog.ts';
import { eventually } from '../support/eventually.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The local pollers run as many consumers of a queue as its mapping's maxConcurrency, as Lambda may: a fake
 * function that holds each batch a while counts how many run at once.
 */

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startTestRuntime({ pollers: false });
});
afterAll(async () => {
  await runtime?.stop();
});

type QueueSource = Extract<EventSourceDeclaration, { kind: 'queue' }>;
const feedWrites = eventSources.find(
  (source): source is QueueSource => source.kind === 'queue' && source.function === 'writeFeeds',
)!;

async function queueOf(messages: number): Promise<string> {
  const queueUrl = await aCheckQueue(runtime, 'concurrency-');
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: runtime.queuesEndpoint });
  for (let i = 0; i < messages; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Array.from({ length: Math.min(10, messages - i) }, (_, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify({ n: i + j }),
        })),
      }),
    );
  }
  sqs.destroy();
  return queueUrl;
}

/** Consumes `messages` through pollers of `source` (on a queue of their own); the most batches in hand at once. */
async function mostAtOnce(source: QueueSource, messages: number): Promise<{ most: number; handled: number }> {
  const queueUrl = await queueOf(messages);
  let running = 0;
  let most = 0;
  let handled = 0;
  const pollers = startPollers({
    dynamoDbEndpoint: runtime.dynamoDbEndpoint,
    queuesEndpoint: runtime.queuesEndpoint,
    tableNames: runtime.tableNames,
    queueUrls: { ...runtime.queueUrls, [source.queue]: queueUrl },
    sources: [source],
    invoke: async (_name, event) => {
      running++;
      most = Math.max(most, running);
      await sleep(100);
      handled += (event as { Records: unknown[] }).Records.length;
      running--;
      return { batchItemFailures: [] };
    },
  });
  try {
    await eventually(
      async () => handled,
      (count) => count >= messages,
    );
  } finally {
    await pollers.stop();
  }
  return { most, handled };
}

describe('the local queue pollers honour the declared concurrency', () => {
  it("given the feed writers' mapping (maxConcurrency 20, batches of 10), when 400 messages wait, then more than two batches run at once and never more than 20", async () => {
    const { most, handled } = await mostAtOnce(feedWrites, 400);

    expect(handled).toBe(400);
    expect(most).toBeGreaterThan(2);
    expect(most).toBeLessThanOrEqual(feedWrites.maxConcurrency);
  });

  it('given a mapping declared with maxConcurrency 3 and batches of 1, when 60 messages wait, then at most 3 run at once', async () => {
    const { most, handled } = await mostAtOnce({ ...feedWrites, batchSize: 1, maxConcurrency: 3 }, 60);

    expect(handled).toBe(60);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
  });
});
