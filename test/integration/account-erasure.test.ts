import { ImportsErasure } from '../../shared/imports/service.ts';
import { describe, expect, it } from 'vitest';
import { invoke } from '../../local/functions.ts';
import { SnapshotsErasure } from '../../shared/checker/erasure.ts';
import { SearchIndexErasure } from '../../shared/search/erasure.ts';
import { LinksErasure } from '../../shared/links/erasure.ts';
import { DynamoFeedStore } from '../../shared/news/dynamodb.ts';
import { FeedsErasure } from '../../shared/news/erasure.ts';
import { DynamoFollowStore } from '../../shared/social/dynamodb.ts';
import { SocialErasure } from '../../shared/social/erasure.ts';
import { AccountErasure, RESERVE_MS, type ErasurePorts } from '../../shared/users/erasure.ts';
import { DynamoAccountStore } from '../../shared/users/erasure-store.ts';
import { SqsErasureQueue } from '../../shared/users/sqs.ts';
import {
  followedName,
  followerName,
  seedAccount,
  tracesOf,
  type AccountSizes,
} from '../support/erasure-world.ts';
import { useDrivenRuntime } from '../support/pipeline.ts';

/**
 * The account erasure on DynamoDB Local and the SQS/S3 emulator, driven by hand: the erasure queue's messages
 * are delivered to the real worker, and what is left is read back from every table and the bucket.
 */
const driven = useDrivenRuntime();

/** The erasure over the real adapters, as the composition root wires it. */
const realPorts = (): ErasurePorts => ({
  accounts: new DynamoAccountStore(),
  credentials: { revokeAll: async () => undefined },
  follows: new SocialErasure(new DynamoFollowStore()),
  news: new FeedsErasure(),
  imports: new ImportsErasure(),
  links: new LinksErasure(),
  snapshots: new SnapshotsErasure(),
  searchIndex: new SearchIndexErasure(),
  queue: new SqsErasureQueue(),
});

/** Delivers the erasure queue's messages to the worker until none is left; answers how many it delivered. */
async function eraseThroughQueue(): Promise<number> {
  let delivered = 0;
  for (;;) {
    const messages = await driven.probe.drain(driven.runtime.queueUrls.accountErasures);
    if (messages.length === 0) return delivered;
    for (const message of messages) {
      expect(await invoke('eraseAccount', { Records: [message] })).toEqual({ batchItemFailures: [] });
      delivered++;
    }
  }
}

/** Nothing of `owner` anywhere, and everybody they were linked with counted back and their other news kept. */
async function expectErased(owner: string, sizes: AccountSizes): Promise<void> {
  expect(await tracesOf(owner)).toEqual({ items: [], snapshots: 0 });
  const follows = new DynamoFollowStore();
  for (let i = 0; i < sizes.followers; i += Math.max(1, Math.floor(sizes.followers / 20))) {
    expect(await follows.counts(followerName(owner, i))).toEqual({ followers: 0, following: 0 });
    const news = await new DynamoFeedStore().newest(followerName(owner, i), {}, 10);
    expect(news.map((event) => event.author)).toEqual(['someone-else']);
  }
  for (let i = 0; i < sizes.following; i++) {
    expect(await follows.counts(followedName(owner, i))).toEqual({ followers: 0, following: 0 });
  }
}

describe('the account erasure on the local engines', () => {
  it('given dora with links, snapshots, news and follows both ways, when her erasure runs from the queue, then no table or the bucket holds anything of her', async () => {
    const sizes = { links: 600, followers: 150, following: 30, snapshots: 30 };
    await seedAccount('dora', sizes, { githubId: 9001 });
    expect((await tracesOf('dora')).items.length).toBeGreaterThan(600 + 150 + 30);

    await new SqsErasureQueue().send({ username: 'dora', step: 'follows' });
    expect(await eraseThroughQueue()).toBe(1);

    await expectErased('dora', sizes);
    // Seeding some 2,000 items and reading them all back can take longer than the usual bound on a busy machine.
  }, 120_000);

  it('given a crash in the links step, when the message is delivered again, then the erasure resumes and ends with nothing left', async () => {
    const sizes = { links: 700, followers: 40, following: 5, snapshots: 5 };
    await seedAccount('erin', sizes, { githubId: 9002 });
    const ports = realPorts();
    let linkChunks = 0;
    const crashing: ErasurePorts = {
      ...ports,
      links: {
        eraseChunk: async (username) => {
          if (++linkChunks === 2) throw new Error('crashed');
          return ports.links.eraseChunk(username);
        },
      },
    };

    await expect(
      new AccountErasure(crashing).run({ username: 'erin', step: 'follows' }, () => 600_000),
    ).rejects.toThrow('crashed');
    expect(await new DynamoFollowStore().counts('erin')).toEqual({ followers: 0, following: 0 });
    expect((await tracesOf('erin')).items.length).toBeGreaterThan(300);

    // SQS delivers the same message again.
    expect(
      await new AccountErasure(realPorts()).run({ username: 'erin', step: 'follows' }, () => 600_000),
    ).toBe('erased');

    await expectErased('erin', sizes);
  }, 120_000);

  it('given a run with time for two chunks, when it stops, then its continuation on the queue finishes the erasure', async () => {
    const sizes = { links: 900, followers: 10, following: 0, snapshots: 0 };
    await seedAccount('fay', sizes, { githubId: 9003 });
    let remaining = RESERVE_MS + 2_000;

    const outcome = await new AccountErasure(realPorts()).run(
      { username: 'fay', step: 'follows' },
      () => (remaining -= 1_000),
    );

    expect(outcome).toBe('continued');
    expect(await eraseThroughQueue()).toBe(1);
    await expectErased('fay', sizes);
  });

  it('given an account that is not being deleted, when a stray erasure message arrives, then nothing of it is touched', async () => {
    await seedAccount(
      'gus',
      { links: 3, followers: 2, following: 1, snapshots: 1 },
      { githubId: 9004, marked: false },
    );
    const before = await tracesOf('gus');

    await new SqsErasureQueue().send({ username: 'gus', step: 'follows' });
    await eraseThroughQueue();

    expect(await tracesOf('gus')).toEqual(before);
  });
});
