import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { linkToItem } from '../../../shared/links/table.ts';
import { FanOut } from '../../../shared/news/core.ts';
import type { FeedQueue, FollowerDirectory } from '../../../shared/news/ports.ts';
import { setFanOutForTests } from '../../../shared/news/service.ts';
import { aLambdaContext, aLink } from '../../support/builders.ts';

/** A link's deletion as the links stream carries it. */
const removeRecord = (username: string, index: number): DynamoDBRecord => ({
  eventID: `${username}-${index}`,
  eventName: 'REMOVE',
  dynamodb: {
    SequenceNumber: String(index),
    OldImage: marshall(linkToItem(aLink({ username, url: `https://example.com/${username}/${index}` })), {
      removeUndefinedValues: true,
    }) as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'],
  },
});

/** Followers by author, counting the reads of each author's list. */
function directoryOf(followers: Record<string, string[]>): FollowerDirectory & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async followers(author) {
      reads.push(author);
      return {
        readers: (followers[author] ?? []).map((username) => ({
          username,
          since: '2020-01-01T00:00:00.000Z',
        })),
      };
    },
  };
}

function recordingQueue(): FeedQueue & { writes: number } {
  const queue = {
    writes: 0,
    async sendFeedWrites(writes: unknown[]) {
      queue.writes += writes.length;
    },
    async sendContinuation() {},
  };
  return queue;
}

afterAll(() => setFanOutForTests(undefined));

describe('the fan-out of a stream batch', () => {
  it('given 300 deletions by an author with no follower and 2 by one with a follower, when the batch fans out, then each author is read once and only the followed one writes', async () => {
    const directory = directoryOf({ bob: ['carol'] });
    const queue = recordingQueue();
    setFanOutForTests(new FanOut(directory, queue));
    const { handler } = await import('../../../functions/news/fan-out-link-events.ts');
    const records = [
      ...Array.from({ length: 300 }, (_, i) => removeRecord('dora', i)),
      removeRecord('bob', 1),
      removeRecord('bob', 2),
    ];

    const response = await handler({ Records: records }, aLambdaContext());

    expect(response.batchItemFailures).toEqual([]);
    expect(directory.reads.sort()).toEqual(['bob', 'dora']);
    expect(queue.writes).toBe(2);
  });

  it('given two batches, when each fans out, then each batch reads the author again (nothing is kept between batches)', async () => {
    const directory = directoryOf({});
    setFanOutForTests(new FanOut(directory, recordingQueue()));
    const { handler } = await import('../../../functions/news/fan-out-link-events.ts');

    await handler({ Records: [removeRecord('dora', 1), removeRecord('dora', 2)] }, aLambdaContext());
    await handler({ Records: [removeRecord('dora', 3)] }, aLambdaContext());

    expect(directory.reads).toEqual(['dora', 'dora']);
  });
});
