import { mapAtMost } from '../concurrency.ts';
import { InvalidRequest, NotFound } from '../errors.ts';
import { ERASURE_STEPS, type ErasureProgress, type ErasureStep } from './model.ts';
import type {
  AccountStore,
  ChunkOutcome,
  ChunkedErasure,
  Credentials,
  ErasureQueue,
  FollowsErasure,
  NewsErasure,
} from './ports.ts';

/** Follows ended per chunk: each is one small transaction. */
export const FOLLOWS_PER_CHUNK = 100;
/** Follows ended at once within a chunk. */
const UNFOLLOWS_IN_FLIGHT = 8;
/**
 * A run stops taking chunks when less than this is left of its time, and queues the rest: far more than one
 * chunk takes (a few hundred deletes, or a hundred follows), so that no run reaches its timeout.
 */
export const RESERVE_MS = 20_000;

/**
 * DELETE /v1/me: the synchronous part of deleting an account. From the mark on, the user is gone for everybody
 * else (the profile reads as absent); the erasure itself runs from the queue.
 */
export class AccountDeletion {
  constructor(
    private readonly accounts: Pick<AccountStore, 'markDeleting'>,
    private readonly credentials: Credentials,
    private readonly queue: ErasureQueue,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(username: string, confirm: string): Promise<void> {
    if (confirm !== username) {
      throw new InvalidRequest('Confirm the deletion with your username.', {
        confirm: 'must be your username',
      });
    }
    if (!(await this.accounts.markDeleting(username, this.now().toISOString()))) {
      throw new NotFound(`There is no user ${username}.`);
    }
    // Queued before the credentials end: should this request fail after the mark, the caller can still send it
    // again, whereas a deletion marked with no erasure queued and no credentials left would be stuck.
    await this.queue.send({ username, step: ERASURE_STEPS[0] });
    await this.credentials.revokeAll(username);
  }
}

/** Ports of the erasure: one per context that holds something of a user. */
export interface ErasurePorts {
  accounts: AccountStore;
  credentials: Credentials;
  follows: FollowsErasure;
  news: NewsErasure;
  imports: ChunkedErasure;
  links: ChunkedErasure;
  snapshots: ChunkedErasure;
  searchIndex: ChunkedErasure;
  queue: ErasureQueue;
}

/**
 * Erases a deleted account: each step in ERASURE_STEPS order, a bounded chunk at a time, until nothing of the
 * user is left. Every chunk is idempotent (it deletes what is there, and what is gone stays gone), so a run that
 * crashes anywhere is simply run again from the message's step by the queue's redelivery, and ends in the same
 * state. A run that nears its time limit queues a message for the step and cursor it reached, and ends.
 */
export class AccountErasure {
  constructor(private readonly ports: ErasurePorts) {}

  /**
   * Runs from `progress` on while more than RESERVE_MS is left (`remainingMs`, the Lambda context's remaining
   * time); answers what it did: `erased` when the account is gone, `continued` when the rest is queued, or
   * `refused` when the profile is not marked as being deleted (a new account of that name, or a stray message).
   */
  async run(
    progress: ErasureProgress,
    remainingMs: () => number,
  ): Promise<'erased' | 'continued' | 'refused'> {
    const { username } = progress;
    if ((await this.ports.accounts.state(username)) === 'active') return 'refused';
    let step: ErasureStep = progress.step;
    let cursor = progress.cursor;
    for (;;) {
      if (remainingMs() < RESERVE_MS) {
        await this.ports.queue.send({ username, step, ...(cursor === undefined ? {} : { cursor }) });
        return 'continued';
      }
      const outcome = await this.chunk(step, username, cursor);
      if (!outcome.done) {
        cursor = outcome.cursor;
        continue;
      }
      const next = ERASURE_STEPS[ERASURE_STEPS.indexOf(step) + 1];
      if (next === undefined) return 'erased';
      step = next;
      cursor = undefined;
    }
  }

  private chunk(step: ErasureStep, username: string, cursor: string | undefined): Promise<ChunkOutcome> {
    switch (step) {
      case 'follows':
        return this.followsChunk(username, cursor);
      case 'imports':
        return this.ports.imports.eraseChunk(username);
      case 'links':
        return this.ports.links.eraseChunk(username);
      case 'snapshots':
        return this.ports.snapshots.eraseChunk(username);
      case 'searchIndex':
        return this.ports.searchIndex.eraseChunk(username);
      case 'news':
        return this.ports.news.eraseChunk(username);
      case 'account':
        return this.accountChunk(username);
    }
  }

  /**
   * Whom the user follows, then who follows them. Before each follower's follow ends, the user's items leave
   * that follower's news: a crash in between lists the follower again, and the removal is repeated. The
   * followers' index may lag behind the unfollows, so a pass over it with a cursor ends with a pass from the
   * start; the step is done when a pass from the start finds no follow left.
   */
  private async followsChunk(username: string, cursor: string | undefined): Promise<ChunkOutcome> {
    const { follows, news } = this.ports;
    const followed = await follows.following(username, FOLLOWS_PER_CHUNK);
    if (followed.length > 0) {
      await mapAtMost(UNFOLLOWS_IN_FLIGHT, followed, (other) => follows.unfollow(username, other));
      return { done: false };
    }
    const page = await follows.followers(username, cursor, FOLLOWS_PER_CHUNK);
    await news.forgetAuthor(page.usernames, username);
    const ended = await mapAtMost(UNFOLLOWS_IN_FLIGHT, page.usernames, (follower) =>
      follows.unfollow(follower, username),
    );
    if (page.next !== undefined) return { done: false, cursor: page.next };
    if (cursor !== undefined || ended.some(Boolean)) return { done: false };
    // No follow left either way: the user's own counters go too.
    await follows.forgetCounters(username);
    return { done: true };
  }

  /**
   * Credentials again (any made in a race with the deletion's start), then the account's items, the profile
   * last: until it goes, the account reads as being deleted.
   */
  private async accountChunk(username: string): Promise<ChunkOutcome> {
    await this.ports.credentials.revokeAll(username);
    return this.ports.accounts.eraseChunk(username);
  }
}
