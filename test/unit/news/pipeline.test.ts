import {
  BatchExecuteStatementCommand,
  BatchGetCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { QueueClient } from '../../../shared/aws/sqs.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FanOut } from '../../../shared/news/core.ts';
import { linkEvent, linkRevision, type FeedChange } from '../../../shared/news/model.ts';
import type { FollowerDirectory } from '../../../shared/news/ports.ts';
import { SqsFeedQueue } from '../../../shared/news/sqs.ts';
import { aLambdaContext } from '../../support/builders.ts';

const now = new Date().toISOString();
const change: FeedChange = {
  kind: 'publish',
  event: linkEvent('link_added', 'bob', 'https://go.dev/', 'Go', now),
  revision: linkRevision(now, 1),
};
const followedBefore = '2026-01-01T00:00:00.000Z';

/** An author with `count` followers, served in pages as the social context would. */
function followersOf(count: number): FollowerDirectory & { pagesRead: number } {
  const all = Array.from({ length: count }, (_, i) => `f${String(i).padStart(5, '0')}`);
  return {
    pagesRead: 0,
    async followers(_author, after, pageSize) {
      this.pagesRead++;
      const start = after ? all.indexOf(after.username) + 1 : 0;
      const readers = all
        .slice(start, start + pageSize)
        .map((username) => ({ username, since: followedBefore }));
      const last = readers.at(-1);
      return start + pageSize < all.length && last
        ? { readers, next: { since: followedBefore, username: last.username } }
        : { readers };
    },
  };
}

const sqs = mockClient(SQSClient);
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
  sqs.on(SendMessageCommand).resolves({});
});

describe('fanning an event out to followers', () => {
  it('given 2,500 followers, then one step sends one page (1,000) in 10 messages of 100, one batch call, and a continuation', async () => {
    const directory = followersOf(2500);
    const queue = new SqsFeedQueue(
      { feedWrites: 'feed-writes', fanOut: 'fan-out' },
      new QueueClient({ region: 'us-east-1' }),
    );

    await new FanOut(directory, queue).run(change);

    const batches = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!);
    expect(batches.map((entries) => entries.length)).toEqual([10]);
    const followers = batches
      .flat()
      .map((entry) => (JSON.parse(entry.MessageBody!) as { readers: unknown[] }).readers);
    expect(followers.every((batch) => batch.length === 100)).toBe(true);
    const continuation = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!);
    expect(continuation.after.username).toBe('f00999');
    expect(directory.pagesRead).toBe(1);
  });

  it('given followers that fit one page, then no continuation is sent', async () => {
    const queue = new SqsFeedQueue(
      { feedWrites: 'feed-writes', fanOut: 'fan-out' },
      new QueueClient({ region: 'us-east-1' }),
    );

    await new FanOut(followersOf(250), queue).run(change);

    expect(sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries).toHaveLength(3);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('given SQS refuses some entries of a batch, then exactly those are sent again', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] })
      .resolves({ Failed: [] });
    const queue = new SqsFeedQueue(
      { feedWrites: 'feed-writes', fanOut: 'fan-out' },
      new QueueClient({ region: 'us-east-1' }),
    );

    await new FanOut(followersOf(250), queue).run(change);

    const calls = sqs
      .commandCalls(SendMessageBatchCommand)
      .map((c) => c.args[0].input.Entries!.map((e) => e.Id));
    expect(calls).toEqual([['0', '1', '2'], ['1']]);
  });
});

describe('the feed writer function', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  beforeEach(() => {
    vi.resetModules();
    vi.stubEnv('FEEDS_TABLE', 'feeds');
    vi.stubEnv('LINKS_TABLE', 'links');
    vi.stubEnv('SOCIAL_TABLE', 'social');
    dynamo.reset();
    dynamo.on(UpdateCommand).resolves({});
    // Every slot is empty: each entry's INSERT lands.
    dynamo.on(BatchExecuteStatementCommand).callsFake((input: BatchExecuteStatementCommand['input']) => ({
      Responses: input.Statements!.map(() => ({})),
    }));
    // Every reader still follows under the same follow: no recent end of a follow, every edge as it was.
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(BatchGetCommand).callsFake((input: BatchGetCommand['input']) => ({
      Responses: {
        social: input.RequestItems!.social!.Keys!.map((key) => ({
          follower: String(key.pk).replace('USER#', ''),
          since: followedBefore,
        })),
      },
    }));
  });
  afterEach(() => vi.unstubAllEnvs());

  const sqsEvent = (bodies: string[]): SQSEvent => ({
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:feed-writes',
      awsRegion: 'us-east-1',
    })),
  });

  it('given a batch with one poison message, then only that message is reported as failed', async () => {
    const { handler } = await import('../../../functions/news/write-feeds.ts');
    const readers = ['alice', 'carol'].map((username) => ({ username, since: followedBefore }));
    const good = JSON.stringify({ change, readers });

    const result = await handler(sqsEvent([good, '{"not": "a feed write"', good]), aLambdaContext());

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    const inserted = dynamo
      .commandCalls(BatchExecuteStatementCommand)
      .flatMap((call) => call.args[0].input.Statements!);
    expect(inserted).toHaveLength(4);
  });

  it('given every message of a batch fails, then the invocation fails and the whole batch is retried', async () => {
    dynamo.on(BatchExecuteStatementCommand).rejects(new Error('boom'));
    const { handler } = await import('../../../functions/news/write-feeds.ts');

    const invocation = handler(
      sqsEvent([JSON.stringify({ change, readers: [{ username: 'alice', since: followedBefore }] })]),
      aLambdaContext(),
    );

    await expect(invocation).rejects.toThrow(/All records failed/);
  });
});
