import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { QueueClient } from '../../../shared/aws/sqs.ts';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SqsCheckQueue } from '../../../shared/checker/sqs.ts';
import type { CheckRequest } from '../../../shared/checker/model.ts';
import { messageGroupOf, queues } from '../../../shared/wiring.ts';

const sqs = mockClient(SQSClient);
afterAll(() => sqs.restore());
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
});

const request = (username: string, n: number): CheckRequest => ({
  username,
  url: `https://example.com/${username}/${n}`,
  cause: 'added',
  requestedAt: '2026-12-01T00:00:00.000Z',
});

describe('sending link checks to the fair queue', () => {
  it('given checks of two users, when they are sent, then each message carries its owner as MessageGroupId', async () => {
    const queue = new SqsCheckQueue('link-checks', new QueueClient({ region: 'us-east-1' }));

    await queue.send([request('alice', 1), request('bob', 1), request('alice', 2)]);

    const entries = sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries!);
    expect(entries.map((e) => e.MessageGroupId)).toEqual(['alice', 'bob', 'alice']);
    // The local poller finds the tenant in the body, by the same declaration: the two agree.
    expect(entries.map((e) => messageGroupOf(queues.linkChecks, e.MessageBody!))).toEqual([
      'alice',
      'bob',
      'alice',
    ]);
  });
});

describe('the tenant of a message on a fair queue', () => {
  it('given a queue that is not fair, then no message has one', () => {
    expect(messageGroupOf(queues.feedWrites, JSON.stringify({ username: 'alice' }))).toBeUndefined();
  });

  it('given bodies without the field, or not JSON, then they have none', () => {
    expect(messageGroupOf(queues.linkChecks, JSON.stringify({ url: 'x' }))).toBeUndefined();
    expect(messageGroupOf(queues.linkChecks, JSON.stringify({ username: '' }))).toBeUndefined();
    expect(messageGroupOf(queues.linkChecks, 'not json')).toBeUndefined();
    expect(messageGroupOf(queues.linkChecks, 'null')).toBeUndefined();
  });
});
