import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequest, NotFound } from '../../../shared/errors.ts';
import { AccountDeletion, AccountErasure, RESERVE_MS } from '../../../shared/users/erasure.ts';
import type { ErasureProgress } from '../../../shared/users/model.ts';
import type { ErasurePorts } from '../../../shared/users/erasure.ts';
import type { ChunkOutcome } from '../../../shared/users/ports.ts';

/**
 * The erasure's core over an in-memory world of every context: what a user holds in each, and the others'
 * follow counters. `crashAt` makes the n-th call to any port throw, once, as a crash would end a run.
 */
class World {
  profiles = new Map<string, { deletingSince?: string; githubId?: number }>();
  identities = new Map<number, string>();
  /** follower -> followed */
  edges = new Set<string>();
  counters = new Map<string, { followers: number; following: number }>();
  imports = new Map<string, number>();
  links = new Map<string, number>();
  snapshots = new Map<string, number>();
  searchIndexes = new Set<string>();
  /** reader -> the authors of their feed items, one entry per item */
  feeds = new Map<string, string[]>();
  revoked: string[] = [];
  queue: ErasureProgress[] = [];
  calls = 0;
  crashAt = -1;

  private step(): void {
    this.calls++;
    if (this.calls === this.crashAt) throw new Error('crashed');
  }

  private count(username: string) {
    let counts = this.counters.get(username);
    if (!counts) this.counters.set(username, (counts = { followers: 0, following: 0 }));
    return counts;
  }

  follow(follower: string, followed: string): void {
    this.edges.add(`${follower}>${followed}`);
    this.count(follower).following++;
    this.count(followed).followers++;
  }

  /** Partition-like chunk: deletes up to `limit` of `count` items, done when none are left. */
  private chunkOf(store: Map<string, number>, username: string, limit: number): ChunkOutcome {
    const left = Math.max(0, (store.get(username) ?? 0) - limit);
    if (left === 0) store.delete(username);
    else store.set(username, left);
    return left === 0 ? { done: true } : { done: false };
  }

  ports(): ErasurePorts {
    return {
      accounts: {
        markDeleting: async (username, since) => {
          this.step();
          const profile = this.profiles.get(username);
          if (!profile) return false;
          profile.deletingSince ??= since;
          return true;
        },
        state: async (username) => {
          this.step();
          const profile = this.profiles.get(username);
          if (!profile) return 'absent';
          return profile.deletingSince ? 'deleting' : 'active';
        },
        eraseChunk: async (username) => {
          this.step();
          const profile = this.profiles.get(username);
          if (!profile) return { done: true };
          if (profile.githubId !== undefined) this.identities.delete(profile.githubId);
          this.step();
          this.profiles.delete(username);
          return { done: true };
        },
      },
      credentials: {
        revokeAll: async (username) => {
          this.step();
          this.revoked.push(username);
        },
      },
      follows: {
        following: async (username, limit) => {
          this.step();
          return [...this.edges]
            .map((edge) => edge.split('>') as [string, string])
            .filter(([follower]) => follower === username)
            .slice(0, limit)
            .map(([, followed]) => followed);
        },
        followers: async (username, cursor, limit) => {
          this.step();
          const all = [...this.edges]
            .map((edge) => edge.split('>') as [string, string])
            .filter(([, followed]) => followed === username)
            .map(([follower]) => follower)
            .sort();
          const after = cursor === undefined ? all : all.filter((name) => name > cursor);
          const page = after.slice(0, limit);
          return after.length > limit ? { usernames: page, next: page.at(-1)! } : { usernames: page };
        },
        unfollow: async (follower, followed) => {
          this.step();
          if (!this.edges.delete(`${follower}>${followed}`)) return false;
          this.count(follower).following--;
          this.count(followed).followers--;
          return true;
        },
        forgetCounters: async (username) => {
          this.step();
          this.counters.delete(username);
        },
      },
      news: {
        forgetAuthor: async (readers, author) => {
          for (const reader of readers) {
            this.step();
            this.feeds.set(
              reader,
              (this.feeds.get(reader) ?? []).filter((item) => item !== author),
            );
          }
        },
        eraseChunk: async (username) => {
          this.step();
          this.feeds.delete(username);
          return { done: true };
        },
      },
      imports: {
        eraseChunk: async (username) => {
          this.step();
          return this.chunkOf(this.imports, username, Infinity);
        },
      },
      links: {
        eraseChunk: async (username) => {
          this.step();
          return this.chunkOf(this.links, username, 250);
        },
      },
      snapshots: {
        eraseChunk: async (username) => {
          this.step();
          return this.chunkOf(this.snapshots, username, 1000);
        },
      },
      searchIndex: {
        eraseChunk: async (username) => {
          this.step();
          this.searchIndexes.delete(username);
          return { done: true };
        },
      },
      queue: {
        send: async (progress) => {
          this.step();
          this.queue.push(progress);
        },
      },
    };
  }

  /** What is left anywhere of `username`, besides the others' counters. */
  traces(username: string) {
    return {
      profile: this.profiles.has(username),
      identities: [...this.identities.values()].filter((name) => name === username),
      edges: [...this.edges].filter((edge) => edge.split('>').includes(username)),
      counters: this.counters.has(username),
      imports: this.imports.get(username) ?? 0,
      links: this.links.get(username) ?? 0,
      snapshots: this.snapshots.get(username) ?? 0,
      searchIndex: this.searchIndexes.has(username),
      ownNews: this.feeds.has(username),
      inOthersNews: [...this.feeds.values()].flat().filter((author) => author === username).length,
    };
  }
}

const NOTHING_LEFT = {
  profile: false,
  identities: [],
  edges: [],
  counters: false,
  imports: 0,
  links: 0,
  snapshots: 0,
  searchIndex: false,
  ownNews: false,
  inOthersNews: 0,
};

/** Plenty of time: a run never has to stop. */
const plentyOfTime = () => 600_000;

/** A world where dora, being deleted, has links, snapshots, news, followers and follows. */
function givenDora(sizes: { links: number; snapshots: number; followers: number; following: number }) {
  const world = new World();
  world.profiles.set('dora', { deletingSince: '2026-12-01T10:00:00.000Z', githubId: 42 });
  world.identities.set(42, 'dora');
  world.identities.set(7, 'erin');
  world.profiles.set('erin', {});
  world.imports.set('dora', 2);
  world.imports.set('erin', 1);
  world.links.set('dora', sizes.links);
  world.links.set('erin', 3);
  world.snapshots.set('dora', sizes.snapshots);
  world.searchIndexes.add('dora');
  world.feeds.set('dora', ['erin']);
  for (let i = 0; i < sizes.followers; i++) {
    const reader = `reader-${String(i).padStart(4, '0')}`;
    world.follow(reader, 'dora');
    world.follow(reader, 'erin');
    world.feeds.set(reader, ['dora', 'erin', 'dora']);
  }
  for (let i = 0; i < sizes.following; i++) world.follow('dora', `author-${i}`);
  return world;
}

/**
 * Delivers the queue's messages until it is empty; a crashed run's message is delivered again. Each run gets its
 * own clock of remaining time from `budget`.
 */
async function drain(world: World, erasure: AccountErasure, budget: () => () => number = () => plentyOfTime) {
  let runs = 0;
  while (world.queue.length > 0) {
    if (++runs > 10_000) throw new Error('the erasure does not end');
    const message = world.queue[0]!;
    try {
      await erasure.run(message, budget());
      world.queue.shift();
    } catch (error) {
      if ((error as Error).message !== 'crashed') throw error;
    }
  }
}

function expectOthersIntact(world: World, followers: number) {
  expect(world.traces('erin').profile).toBe(true);
  expect(world.identities.get(7)).toBe('erin');
  expect(world.links.get('erin')).toBe(3);
  expect(world.imports.get('erin')).toBe(1);
  expect(world.counters.get('erin')?.followers ?? 0).toBe(followers);
  for (let i = 0; i < followers; i++) {
    const reader = `reader-${String(i).padStart(4, '0')}`;
    expect(world.counters.get(reader)).toEqual({ followers: 0, following: 1 });
    expect(world.feeds.get(reader)).toEqual(['erin']);
  }
}

describe('AccountDeletion.start (DELETE /v1/me)', () => {
  it('given a confirm that is not the caller, when the deletion starts, then 400 naming confirm, and nothing is marked or queued', async () => {
    const world = givenDora({ links: 1, snapshots: 0, followers: 0, following: 0 });
    world.profiles.set('dora', {});

    const deletion = new AccountDeletion(
      world.ports().accounts,
      world.ports().credentials,
      world.ports().queue,
    );
    const failure = await deletion.start('dora', 'erin').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(InvalidRequest);
    expect((failure as InvalidRequest).details).toEqual({ confirm: 'must be your username' });
    expect(world.profiles.get('dora')).toEqual({});
    expect(world.queue).toEqual([]);
    expect(world.revoked).toEqual([]);
  });

  it('given the caller confirms, when the deletion starts, then the profile is marked at the clock, the erasure queued, the credentials revoked', async () => {
    const world = new World();
    world.profiles.set('dora', {});
    const deletion = new AccountDeletion(
      world.ports().accounts,
      world.ports().credentials,
      world.ports().queue,
      () => new Date('2026-12-02T04:00:00.000Z'),
    );

    await deletion.start('dora', 'dora');

    expect(world.profiles.get('dora')).toEqual({ deletingSince: '2026-12-02T04:00:00.000Z' });
    expect(world.queue).toEqual([{ username: 'dora', step: 'follows' }]);
    expect(world.revoked).toEqual(['dora']);
  });

  it('given no profile, when the deletion starts, then NotFound and nothing queued', async () => {
    const world = new World();
    const deletion = new AccountDeletion(
      world.ports().accounts,
      world.ports().credentials,
      world.ports().queue,
    );

    await expect(deletion.start('ghost', 'ghost')).rejects.toBeInstanceOf(NotFound);
    expect(world.queue).toEqual([]);
  });
});

describe('AccountErasure.run', () => {
  it('given dora with links, snapshots, news and follows both ways, when the erasure runs, then nothing of her is left and the others keep theirs', async () => {
    const world = givenDora({ links: 620, snapshots: 2500, followers: 230, following: 120 });
    world.queue.push({ username: 'dora', step: 'follows' });

    await drain(world, new AccountErasure(world.ports()));

    expect(world.traces('dora')).toEqual(NOTHING_LEFT);
    expectOthersIntact(world, 230);
    for (let i = 0; i < 120; i++)
      expect(world.counters.get(`author-${i}`)).toEqual({ followers: 0, following: 0 });
    expect(world.revoked).toEqual(['dora']);
  });

  it('given an account that is not being deleted (a stray message, or a new account of the name), when the erasure runs, then it is refused and nothing changes', async () => {
    const world = givenDora({ links: 5, snapshots: 1, followers: 2, following: 1 });
    world.profiles.set('dora', { githubId: 42 });

    const outcome = await new AccountErasure(world.ports()).run(
      { username: 'dora', step: 'links' },
      plentyOfTime,
    );

    expect(outcome).toBe('refused');
    expect(world.links.get('dora')).toBe(5);
    expect(world.edges.size).toBe(5);
  });

  it('given a run with little time left, when it reaches the reserve, then it queues its step and cursor and ends; the continuation finishes the job', async () => {
    const world = givenDora({ links: 10, snapshots: 0, followers: 250, following: 0 });
    let remaining = RESERVE_MS + 2_000;
    // Each chunk costs a second of the run's time.
    const remainingMs = () => (remaining -= 1_000);

    const outcome = await new AccountErasure(world.ports()).run(
      { username: 'dora', step: 'follows' },
      remainingMs,
    );

    expect(outcome).toBe('continued');
    expect(world.queue).toEqual([{ username: 'dora', step: 'follows', cursor: 'reader-0199' }]);
    expect(world.counters.get('dora')?.followers).toBe(50);

    await drain(world, new AccountErasure(world.ports()));

    expect(world.traces('dora')).toEqual(NOTHING_LEFT);
    expectOthersIntact(world, 250);
  });

  it('given any crash point and account size, when a crashed run is delivered again until it ends, then the state is the same as without the crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          links: fc.integer({ min: 0, max: 800 }),
          snapshots: fc.integer({ min: 0, max: 2500 }),
          followers: fc.integer({ min: 0, max: 260 }),
          following: fc.integer({ min: 0, max: 150 }),
        }),
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 4 }),
        async (sizes, crashAt, chunksPerRun) => {
          const world = givenDora(sizes);
          world.crashAt = crashAt;
          world.queue.push({ username: 'dora', step: 'follows' });
          // Runs short of time too (a few chunks each), so that crashes land in continuations as well.
          const budget = () => {
            let remaining = RESERVE_MS + chunksPerRun * 1_000;
            return () => (remaining -= 1_000);
          };

          await drain(world, new AccountErasure(world.ports()), budget);

          expect(world.traces('dora')).toEqual(NOTHING_LEFT);
          expectOthersIntact(world, sizes.followers);
        },
      ),
      { numRuns: 60 },
    );
  });
});
