import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { linkToItem } from '../../../shared/links/table.ts';
import { aLambdaContext, aLink } from '../../support/builders.ts';

/**
 * Every function that queues link checks sends each one with its link's owner as MessageGroupId: the stream's
 * enqueue and the daily re-check (POST /dev/recheck runs the same re-check, through the same queue adapter).
 */

const sqs = mockClient(SQSClient);
const dynamo = mockClient(DynamoDBDocumentClient);

beforeAll(() => {
  vi.stubEnv('LINKS_TABLE', 'links-table');
  vi.stubEnv('LINK_CHECKS_QUEUE_URL', 'link-checks');
  vi.stubEnv('LINK_CHECKS_ENABLED', 'true');
  vi.stubEnv('SEARCH_UPDATES_QUEUE_URL', 'search-updates.fifo');
});
afterAll(() => {
  sqs.restore();
  dynamo.restore();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  sqs.reset();
  dynamo.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
});

/** The messages sent to a queue. */
const sentTo = (queueUrl: string) =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .filter((call) => call.args[0].input.QueueUrl === queueUrl)
    .flatMap((call) => call.args[0].input.Entries!);

/** The queued checks: [owner in the body, MessageGroupId]. */
const queued = () =>
  sentTo('link-checks').map((entry) => [
    (JSON.parse(entry.MessageBody!) as { username: string }).username,
    entry.MessageGroupId,
  ]);

const insertRecord = (username: string, url: string): DynamoDBRecord => ({
  eventID: `${username}-${url}`,
  eventName: 'INSERT',
  dynamodb: {
    SequenceNumber: '1',
    NewImage: marshall(linkToItem(aLink({ username, url })), { removeUndefinedValues: true }) as NonNullable<
      DynamoDBRecord['dynamodb']
    >['NewImage'],
  },
});

describe('the producers of link checks', () => {
  it('given new links of two users on the stream, when enqueueLinkChecks handles them, then each check carries its owner as group', async () => {
    const { handler } = await import('../../../functions/checker/enqueue-link-checks.ts');

    await handler(
      { Records: [insertRecord('alice', 'https://a.example/'), insertRecord('bob', 'https://b.example/')] },
      aLambdaContext(),
    );

    expect(queued()).toEqual([
      ['alice', 'alice'],
      ['bob', 'bob'],
    ]);
  });

  it("given new links of two users on the stream, when enqueueLinkChecks handles them, then each user's updates go to the search updates packed in one message in its owner's FIFO group, deduplicated by content", async () => {
    const { handler } = await import('../../../functions/checker/enqueue-link-checks.ts');
    const records = [
      insertRecord('alice', 'https://a.example/1'),
      insertRecord('alice', 'https://a.example/2'),
      insertRecord('bob', 'https://b.example/'),
    ];

    await handler({ Records: records }, aLambdaContext());
    // The stream hands the same batch again after a failure: the same deduplication ids.
    await handler({ Records: records }, aLambdaContext());

    const sent = sentTo('search-updates.fifo');
    expect(sent.map((entry) => [JSON.parse(entry.MessageBody!), entry.MessageGroupId])).toMatchObject([
      [
        {
          updates: [
            { username: 'alice', change: 'upsert', link: { url: 'https://a.example/1' } },
            { username: 'alice', change: 'upsert', link: { url: 'https://a.example/2' } },
          ],
        },
        'alice',
      ],
      [{ updates: [{ username: 'bob', change: 'upsert', link: { url: 'https://b.example/' } }] }, 'bob'],
      [{ updates: [{ username: 'alice' }, { username: 'alice' }] }, 'alice'],
      [{ updates: [{ username: 'bob' }] }, 'bob'],
    ]);
    expect(sent[2]!.MessageDeduplicationId).toBe(sent[0]!.MessageDeduplicationId);
    expect(sent[0]!.MessageDeduplicationId).not.toBe(sent[1]!.MessageDeduplicationId);
  });

  it('given stale links of two users, when the daily re-check runs, then each check carries its owner as group', async () => {
    dynamo.on(ScanCommand).resolves({
      Items: [
        { username: 'alice', url: 'https://a.example/1' },
        { username: 'bob', url: 'https://b.example/1' },
        { username: 'alice', url: 'https://a.example/2' },
      ],
    });
    const { handler } = await import('../../../functions/checker/recheck-stale-links.ts');
    const context: Context = { ...aLambdaContext(), getRemainingTimeInMillis: () => 900_000 };

    await handler({} as ScheduledEvent, context);

    expect(queued()).toEqual([
      ['alice', 'alice'],
      ['bob', 'bob'],
      ['alice', 'alice'],
    ]);
  });
});
