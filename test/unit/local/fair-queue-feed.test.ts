import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FairQueueFeed } from '../../../local/pollers.ts';
import { queues } from '../../../shared/wiring.ts';

const sqs = mockClient(SQSClient);
afterAll(() => sqs.restore());
beforeEach(() => {
  sqs.reset();
  sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-12-01T00:00:00.000Z') });
});
afterEach(() => vi.useRealTimers());

const message = (username: string, n: number): Message => ({
  MessageId: `${username}-${n}`,
  ReceiptHandle: `receipt-${username}-${n}`,
  Body: JSON.stringify({ username, url: `https://example.com/${n}` }),
});

/** The queue holds these messages, and its receives answer them in the groups given, then nothing. */
function queueAnswers(...answers: Message[][]): void {
  const visible = answers.flat().length;
  sqs
    .on(GetQueueAttributesCommand)
    .resolvesOnce({ Attributes: { ApproximateNumberOfMessages: String(visible) } })
    .resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
  const receive = sqs.on(ReceiveMessageCommand);
  for (const answer of answers) receive.resolvesOnce({ Messages: answer });
  receive.resolves({ Messages: [] });
}

const aFeed = () =>
  new FairQueueFeed(new SQSClient({ region: 'us-east-1' }), 'link-checks', queues.linkChecks, 5);

const visibilityChanges = () =>
  sqs
    .commandCalls(ChangeMessageVisibilityBatchCommand)
    .flatMap((call) => call.args[0].input.Entries!)
    .map((entry) => `${entry.ReceiptHandle}=${entry.VisibilityTimeout}`);

describe("the local stand-in for SQS's fair queues", () => {
  it('given a backlog of one tenant ahead of another, when a batch is asked for, then the other tenant is in it', async () => {
    const backlog = Array.from({ length: 30 }, (_, n) => message('alice', n));
    queueAnswers(backlog.slice(0, 10), backlog.slice(10, 20), backlog.slice(20), [message('bob', 0)]);
    const feed = aFeed();

    const batch = await feed.nextBatch();

    expect(batch.map((m) => m.MessageId)).toEqual(['alice-0', 'bob-0', 'alice-1', 'alice-2', 'alice-3']);
  });

  it('given messages arriving as fast as it receives, when a batch is asked for, then it takes in only what was there when it began', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '20' } });
    let sent = 0;
    sqs
      .on(ReceiveMessageCommand)
      .callsFake(() => ({ Messages: Array.from({ length: 10 }, () => message('alice', sent++)) }));

    const batch = await aFeed().nextBatch();

    expect(batch).toHaveLength(5);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(2);
  });

  it('given nothing held and nothing visible, when a batch is asked for, then it long-polls once', async () => {
    queueAnswers();

    expect(await aFeed().nextBatch()).toEqual([]);
    expect(sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.WaitTimeSeconds)).toEqual([1]);
  });

  it('given messages without a tenant, then each is a tenant of its own', async () => {
    queueAnswers([
      message('alice', 0),
      message('alice', 1),
      { MessageId: 'odd-1', ReceiptHandle: 'r1', Body: 'not json' },
      { MessageId: 'odd-2', ReceiptHandle: 'r2', Body: '{}' },
    ]);

    const batch = await aFeed().nextBatch();

    expect(batch.map((m) => m.MessageId)).toEqual(['alice-0', 'odd-1', 'odd-2', 'alice-1']);
  });

  it('given messages held for half the visibility timeout, when the next batch is asked for, then their visibility is extended', async () => {
    queueAnswers(Array.from({ length: 7 }, (_, n) => message('alice', n)));
    const feed = aFeed();
    await feed.nextBatch();
    expect(visibilityChanges()).toEqual([]);

    vi.advanceTimersByTime((queues.linkChecks.visibilityTimeoutSeconds / 2) * 1000);
    await feed.nextBatch();

    expect(visibilityChanges()).toEqual([
      `receipt-alice-5=${queues.linkChecks.visibilityTimeoutSeconds}`,
      `receipt-alice-6=${queues.linkChecks.visibilityTimeoutSeconds}`,
    ]);
  });

  it('given held messages, when the feed is released, then they are visible again at once, and only once', async () => {
    queueAnswers([...Array.from({ length: 6 }, (_, n) => message('alice', n)), message('bob', 0)]);
    const feed = aFeed();
    await feed.nextBatch();

    await feed.release();
    await feed.release();

    expect(visibilityChanges()).toEqual(['receipt-alice-4=0', 'receipt-alice-5=0']);
  });
});
