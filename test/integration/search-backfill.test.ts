import { beforeAll, describe, expect, it } from 'vitest';
import { invoke } from '../../local/functions.ts';
import { LinksForSearch } from '../../shared/links/for-search.ts';
import { DynamoLinkStore } from '../../shared/links/store.ts';
import { requestSearchRebuilds, type RebuildRequests } from '../../shared/search/backfill.ts';
import { S3SearchIndexStore } from '../../shared/search/s3.ts';
import { SqsSearchUpdates } from '../../shared/search/sqs.ts';
import { aLink } from '../support/builders.ts';
import { useDrivenRuntime } from '../support/pipeline.ts';

/**
 * The search backfill (what `npm run search:backfill` runs) on the real engines: the owners scanned from the links
 * table, their rebuild requests sent to the FIFO searchUpdates queue, and the updater building each index. This
 * file has the table to itself, so the owners are exactly the ones it adds.
 */

const driven = useDrivenRuntime();

let owners: LinksForSearch;
let queue: SqsSearchUpdates;

beforeAll(async () => {
  owners = new LinksForSearch(driven.runtime.tableNames.links);
  queue = new SqsSearchUpdates(driven.runtime.queueUrls.searchUpdates);
  const links = new DynamoLinkStore(driven.runtime.tableNames.links);
  await links.insert(
    aLink({ username: 'nia', url: 'https://nia.example/1', title: 'nasturtium seeds' }),
    1000,
  );
  await links.insert(aLink({ username: 'nia', url: 'https://nia.example/2', title: 'nettle soup' }), 1000);
  await links.insert(aLink({ username: 'oto', url: 'https://oto.example/', title: 'oolong tea' }), 1000);
});

/** The queue's requests, as the users they ask for, taken off the queue. */
async function requested() {
  const messages = await driven.probe.drain(driven.runtime.queueUrls.searchUpdates);
  return {
    messages,
    users: messages.map((message) => (JSON.parse(message.body) as { rebuild: string }).rebuild),
  };
}

/** Passes the requests on to the queue and remembers which users each run asked for. */
function recording(into: string[]): RebuildRequests {
  return {
    requestAll: async (usernames) => {
      into.push(...usernames);
      await queue.requestAll(usernames);
    },
  };
}

describe('the search backfill on DynamoDB Local and the SQS emulator', () => {
  it('given two users with links and no index, when the backfill runs, then one rebuild each, and the updater builds both', async () => {
    const progress: [number, string][] = [];

    const count = await requestSearchRebuilds(owners.owners(), queue, {
      progress: (sent, last) => progress.push([sent, last]),
    });

    expect(count).toBe(2);
    expect(progress.at(-1)?.[0]).toBe(2);
    const { messages, users } = await requested();
    expect(users.toSorted()).toEqual(['nia', 'oto']);
    expect(await invoke('updateSearchIndex', { Records: messages })).toEqual({ batchItemFailures: [] });
    const store = new S3SearchIndexStore();
    for (const [username, size] of [
      ['nia', 2],
      ['oto', 1],
    ] as const) {
      const built = await store.load(username);
      expect(built && built !== 'outdated' ? built.index.size : built).toBe(size);
    }
  });

  it('given the backfill ran, when it runs again, then the queue drops the repeated requests and the indexes stay', async () => {
    const store = new S3SearchIndexStore();
    const before = await store.load('nia');

    expect(await requestSearchRebuilds(owners.owners(), queue)).toBe(2);

    const { messages } = await requested();
    // Within the queue's 5-minute deduplication window; after it, the updater finds the indexes current.
    expect(messages).toEqual([]);
    const after = await store.load('nia');
    expect(after && after !== 'outdated' ? after.etag : after).toBe(
      before && before !== 'outdated' ? before.etag : 'an index',
    );
  });

  it('given an interrupted run, when resumed --from a user, then only that user and the ones listed after are requested', async () => {
    const all: string[] = [];
    await requestSearchRebuilds(owners.owners(), recording(all));
    const resumed: string[] = [];

    expect(await requestSearchRebuilds(owners.owners(), recording(resumed), { from: all[1] })).toBe(1);
    expect(resumed).toEqual([all[1]]);
    const none: string[] = [];
    expect(await requestSearchRebuilds(owners.owners(), recording(none), { from: 'nobody' })).toBe(0);
    expect(none).toEqual([]);
    await requested();
  });
});
