import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke } from '../../local/functions.ts';
import { startRuntime, type Runtime } from '../../local/runtime.ts';
import { DynamoFollowStore } from '../../shared/social/dynamodb.ts';
import { SqsErasureQueue } from '../../shared/users/sqs.ts';
import { followedName, followerName, seedAccount, tracesOf } from '../support/erasure-world.ts';
import { PipelineProbe } from '../support/pipeline.ts';

/**
 * The large account on engines of this file's own (pollers off, the erasure queue driven by hand): 10,000
 * links, 1,000 followers, 50 follows and 200 snapshots. It takes minutes on a busy machine, hence the slow project.
 */
let runtime: Runtime;
let probe: PipelineProbe;

beforeAll(async () => {
  runtime = await startRuntime({ port: 0, dynamoDbPort: 0, queuesPort: 0, pollers: false, prefix: 'large-' });
  probe = new PipelineProbe(runtime);
}, 120_000);
afterAll(async () => {
  probe?.destroy();
  await runtime?.stop();
});

describe('erasing a large account', () => {
  it('given 10,000 links, 1,000 followers, follows and snapshots, when the erasure runs from the queue, then nothing of the account is left and every counter is back', async () => {
    const sizes = { links: 10_000, followers: 1000, following: 50, snapshots: 200 };
    await seedAccount('big', sizes, { githubId: 7777 });

    await new SqsErasureQueue().send({ username: 'big', step: 'follows' });
    for (;;) {
      const messages = await probe.drain(runtime.queueUrls.accountErasures);
      if (messages.length === 0) break;
      for (const message of messages) {
        expect(await invoke('eraseAccount', { Records: [message] })).toEqual({ batchItemFailures: [] });
      }
    }

    expect(await tracesOf('big')).toEqual({ items: [], snapshots: 0 });
    const follows = new DynamoFollowStore();
    for (let i = 0; i < sizes.followers; i += 97) {
      expect(await follows.counts(followerName('big', i))).toEqual({ followers: 0, following: 0 });
    }
    for (let i = 0; i < sizes.following; i++) {
      expect(await follows.counts(followedName('big', i))).toEqual({ followers: 0, following: 0 });
    }
  }, 900_000);
});
