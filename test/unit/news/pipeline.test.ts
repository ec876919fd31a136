import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { QueueClient } from '../../../shared/aws/sqs.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FanOut } from '../../../shared/news/core.ts';
import { feedGroupOf, linkEvent, linkRevision, type FeedChange } from '../../../shared/news/model.ts';
import { FEED_WRITE_GROUPS } from '../../../shared/wiring.ts';
import type { FollowerDirectory } from '../../../shared/news/ports.ts';
import { SqsFeedQueue } from '../../../shared/news/sqs.ts';
import { followToItem } from '../../../shared/social/dynamodb.ts';
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

/** The feed writes sent: each message's group, its MessageGroupId, its readers and its deduplication id. */
function feedWritesSent() {
  return sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((c) => c.args[0].input.Entries!)
    .map((entry) => {
      const body = JSON.parse(entry.MessageBody!) as { group: string; readers: { username: string }[] };
      return {
        group: body.group,
        messageGroupId: entry.MessageGroupId,
        deduplicationId: entry.MessageDeduplicationId,
        readers: body.readers.map((reader) => reader.username),
      };
    });
}

describe('fanning an event out to followers', () => {
  it('given 2,500 followers, then one step sends one page (1,000) in messages of one group and at most 100 readers each, and a continuation', async () => {
    const directory = followersOf(2500);
    const queue = new SqsFeedQueue(
      { feedWrites: 'feed-writes', fanOut: 'fan-out' },
      new QueueClient({ region: 'us-east-1' }),
    );

    await new FanOut(directory, queue).run(change);

    const sent = feedWritesSent();
    expect(sent.flatMap((message) => message.readers).sort()).toEqual(
      Array.from({ length: 1000 }, (_, i) => `f${String(i).padStart(5, '0')}`),
    );
    for (const message of sent) {
      expect(message.readers.length).toBeLessThanOrEqual(100);
      expect(message.messageGroupId).toBe(message.group);
      expect(message.readers.every((reader) => feedGroupOf(reader) === message.group)).toBe(true);
      expect(message.deduplicationId).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(new Set(sent.map((message) => message.group)).size).toBe(sent.length);
    expect(sent.length).toBe(FEED_WRITE_GROUPS);
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

    expect(feedWritesSent().flatMap((message) => message.readers)).toHaveLength(250);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('given the same step run twice, then its messages are the same bodies with the same deduplication ids', async () => {
    const queue = new SqsFeedQueue(
      { feedWrites: 'feed-writes', fanOut: 'fan-out' },
      new QueueClient({ region: 'us-east-1' }),
    );

    await new FanOut(followersOf(250), queue).run(change);
    const first = feedWritesSent();
    sqs.resetHistory();
    await new FanOut(followersOf(250), queue).run(change);

    expect(feedWritesSent()).toEqual(first);
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
    expect(calls[0]).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(calls[1]).toEqual(['1']);
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
    dynamo.on(BatchWriteCommand).resolves({});
    // Every reader still follows under the same follow: no recent end of a follow, every edge as it was.
    dynamo.on(QueryCommand).resolves({ Items: [] });
    // Every feed slot is empty.
    dynamo.on(BatchGetCommand).callsFake((input: BatchGetCommand['input']) => ({
      Responses: {
        feeds: [],
        social: (input.RequestItems!.social?.Keys ?? []).map((key) => ({
          follower: String(key.pk).replace('USER#', ''),
          since: followedBefore,
        })),
      },
    }));
  });
  afterEach(() => vi.unstubAllEnvs());

  /** Messages as Lambda hands a FIFO queue's over: each body with its group. */
  const sqsEvent = (messages: { group: string; body: string }[]): SQSEvent => ({
    Records: messages.map(({ group, body }, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
        MessageGroupId: group,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:feed-writes',
      awsRegion: 'us-east-1',
    })),
  });

  const writeOf = (username: string) => ({
    group: feedGroupOf(username),
    body: JSON.stringify({
      group: feedGroupOf(username),
      change,
      readers: [{ username, since: followedBefore }],
    }),
  });
  const entriesPut = () =>
    dynamo
      .commandCalls(BatchWriteCommand)
      .flatMap((call) => call.args[0].input.RequestItems!.feeds!)
      .map((request) => String(request.PutRequest!.Item!.pk));

  it('given a batch with an unreadable message, then it is dropped and the others are applied', async () => {
    const { handler } = await import('../../../functions/news/write-feeds.ts');

    const result = await handler(
      sqsEvent([
        writeOf('alice'),
        { group: feedGroupOf('alice'), body: '{"not": "a feed write"' },
        writeOf('carol'),
      ]),
      aLambdaContext(),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect(entriesPut().sort()).toEqual(['FEED#alice', 'FEED#carol']);
  });

  it("given a message of a group fails, then it and the rest of its group are reported failed, unapplied, and other groups' are applied", async () => {
    const [ann, ann2, bob] = ['ann', 'ann', 'bob'].map(writeOf) as [Write, Write, Write];
    expect(ann.group).not.toBe(bob.group);
    dynamo.on(BatchWriteCommand).rejectsOnce(new Error('boom')).resolves({});
    const { handler } = await import('../../../functions/news/write-feeds.ts');

    const result = await handler(sqsEvent([ann, ann2, bob]), aLambdaContext());

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }]);
    expect(entriesPut()).toEqual(['FEED#ann', 'FEED#bob']);
  });

  it("given a follow ended, then the author's entries are swept from the follower's feed by a consistent Query", async () => {
    const { handler } = await import('../../../functions/news/write-feeds.ts');
    const body = JSON.stringify({
      group: feedGroupOf('ann'),
      follow: { kind: 'unfollowed', reader: { username: 'ann', since: followedBefore }, author: 'bob' },
    });

    const result = await handler(sqsEvent([{ group: feedGroupOf('ann'), body }]), aLambdaContext());

    expect(result.batchItemFailures).toEqual([]);
    const sweep = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(sweep).toContainEqual(
      expect.objectContaining({
        TableName: 'feeds',
        ExpressionAttributeValues: expect.objectContaining({ ':pk': 'FEED#ann', ':prefix': 'SLOT#bob#' }),
        ConsistentRead: true,
      }),
    );
  });
});

type Write = { group: string; body: string };

describe('the follow changes consumer', () => {
  beforeEach(() => {
    vi.resetModules();
    vi.stubEnv('FEED_WRITES_QUEUE_URL', 'feed-writes.fifo');
  });
  afterEach(() => vi.unstubAllEnvs());

  it("given bob follows alice, then the follow goes to bob's group of feed writes, deduplicated by its body", async () => {
    const follow = { follower: 'bob', followed: 'alice', since: followedBefore };
    const { handler } = await import('../../../functions/news/apply-follow-changes.ts');

    const result = await handler(
      {
        Records: [
          {
            eventID: '1',
            eventName: 'INSERT',
            dynamodb: { NewImage: marshall(followToItem(follow)) as Record<string, AttributeValue> },
          },
        ],
      },
      aLambdaContext(),
    );

    expect(result.batchItemFailures).toEqual([]);
    const [entry] = sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!;
    expect(JSON.parse(entry!.MessageBody!)).toEqual({
      group: feedGroupOf('bob'),
      follow: { kind: 'followed', reader: { username: 'bob', since: followedBefore }, author: 'alice' },
    });
    expect(entry!.MessageGroupId).toBe(feedGroupOf('bob'));
    expect(entry!.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
  });
});
