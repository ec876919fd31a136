import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../local/engines.ts';
import { inInvokeContext } from '../../local/functions.ts';
import type { Pollers } from '../../local/pollers.ts';
import type { Runtime } from '../../local/runtime.ts';
import { parseCheckMessage } from '../../shared/checker/model.ts';
import { SqsCheckQueue } from '../../shared/checker/sqs.ts';
import { queueHandler } from '../../shared/events/batch.ts';
import { eventSources } from '../../shared/wiring.ts';
import { aLambdaContext } from '../support/builders.ts';
import { aCheckQueue, checkRequests, pollChecks } from '../support/check-backlog.ts';
import { eventually } from '../support/eventually.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * One user cannot starve the link checker for others. On the local runtime (the SQS emulator and the real
 * pollers, fed by the checker's own queue adapter), a fake checkLink, built like the real one on the batch
 * handler, notes whose link each check is for, in the order the checks start: a link queued behind another
 * user's backlog of thousands is checked after a handful of them, not after all of them.
 */

const checkLink = eventSources.find((s) => s.kind === 'queue' && s.function === 'checkLink')!;
/** What the pollers can have in hand at once: one poller per unit of the mapping's maxConcurrency, a batch each. */
const IN_HAND = (checkLink.kind === 'queue' ? checkLink.maxConcurrency : 1) * checkLink.batchSize;

/** A checkLink that notes each check's owner when it starts, then takes `delayMs` to check. */
async function fakeChecker(delayMs = 0) {
  const owners: string[] = [];
  // Built and run in invoke-store contexts of their own, as the runtime runs the functions it declares.
  const handler = await inInvokeContext(() =>
    queueHandler(async (record) => {
      owners.push(parseCheckMessage(record.body).username);
      if (delayMs > 0) await sleep(delayMs);
    }),
  );
  return {
    owners,
    invoke: (_name: string, event: unknown) => {
      const context = aLambdaContext();
      return inInvokeContext(() => handler(event as SQSEvent, context), context.awsRequestId);
    },
    /** How many of `username`'s checks started before the first of `other`'s (all of them, if none did). */
    startedBefore(username: string, other: string): number {
      const index = owners.indexOf(other);
      return (index === -1 ? owners : owners.slice(0, index)).filter((o) => o === username).length;
    },
  };
}

let runtime: Runtime;
let pollers: Pollers | undefined;

async function messagesIn(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: runtime.queuesEndpoint });
  try {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    };
  } finally {
    sqs.destroy();
  }
}

beforeAll(async () => {
  runtime = await startTestRuntime({ pollers: false });
});
afterEach(async () => {
  await pollers?.stop();
  pollers = undefined;
});
afterAll(async () => {
  await runtime?.stop();
});

describe('fair link checks across users on the local runtime', () => {
  it("given 2,000 queued checks of one user, when another user's link is queued, then it is checked before all but a handful of them", async () => {
    const queueUrl = await aCheckQueue(runtime, 'fair-backlog-');
    const queue = new SqsCheckQueue(queueUrl);
    await queue.send(checkRequests('alice', 2000));
    await queue.send(checkRequests('bob', 1));
    const checker = await fakeChecker();

    pollers = pollChecks(runtime, queueUrl, { fair: true, invoke: checker.invoke });

    await eventually(
      async () => checker.owners,
      (owners) => owners.includes('bob'),
    );
    expect(checker.owners).toContain('bob');
    expect(checker.startedBefore('alice', 'bob')).toBeLessThan(IN_HAND);

    // What the pollers held and had not handed out goes back to the queue when they stop, visible at once.
    await pollers.stop();
    pollers = undefined;
    expect(await messagesIn(queueUrl)).toEqual({ visible: 2001 - checker.owners.length, inFlight: 0 });
  });

  it("given the pollers working through one user's backlog, when another user's link is queued, then it goes out with the next batches", async () => {
    const queueUrl = await aCheckQueue(runtime, 'fair-flowing-');
    const queue = new SqsCheckQueue(queueUrl);
    await queue.send(checkRequests('carol', 1000));
    const checker = await fakeChecker(20);
    pollers = pollChecks(runtime, queueUrl, { fair: true, invoke: checker.invoke });
    await eventually(
      async () => checker.owners.length,
      (started) => started >= 50,
    );

    const startedWhenQueued = checker.owners.length;
    await queue.send(checkRequests('dave', 1));

    await eventually(
      async () => checker.owners,
      (owners) => owners.includes('dave'),
    );
    expect(checker.owners).toContain('dave');
    expect(checker.startedBefore('carol', 'dave') - startedWhenQueued).toBeLessThan(3 * IN_HAND);
    expect(checker.startedBefore('carol', 'dave')).toBeLessThan(1000);
  });

  it('given the same backlog on a poller that ignores the fairness (the emulator alone), then the other user waits for all of it', async () => {
    const queueUrl = await aCheckQueue(runtime, 'unfair-backlog-');
    const queue = new SqsCheckQueue(queueUrl);
    await queue.send(checkRequests('erin', 2000));
    await queue.send(checkRequests('frank', 1));
    const checker = await fakeChecker();

    pollers = pollChecks(runtime, queueUrl, { fair: false, invoke: checker.invoke });

    await eventually(
      async () => checker.owners,
      (owners) => owners.includes('frank'),
      60_000,
    );
    expect(checker.startedBefore('erin', 'frank')).toBeGreaterThan(2000 - IN_HAND);
  }, 90_000);
});
