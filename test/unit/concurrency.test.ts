import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapAtMost } from '../../shared/concurrency.ts';

/** Work that counts the calls under way and ends each after a number of event-loop turns of its own. */
function countedWork() {
  const calls = { inFlight: 0, most: 0 };
  const work = async (turns: number) => {
    calls.inFlight++;
    calls.most = Math.max(calls.most, calls.inFlight);
    for (let i = 0; i < turns; i++) await new Promise((done) => setImmediate(done));
    calls.inFlight--;
    return turns * 10;
  };
  return { calls, work };
}

describe('mapAtMost: bounded concurrency, results in order', () => {
  it('given items that take different times, when mapped at most n at once, then never more than n run, as many as can, and the results keep the items’ order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 30 }),
        async (limit, turns) => {
          const { calls, work } = countedWork();

          const results = await mapAtMost(limit, turns, work);

          expect(results).toEqual(turns.map((t) => t * 10));
          expect(calls.most).toBe(Math.min(limit, turns.length));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('given one item fails, when mapped, then the map rejects with its error and starts no item after it', async () => {
    const failure = new Error('refused');
    const started: number[] = [];

    const mapped = mapAtMost(2, [1, 2, 3, 4, 5], async (n) => {
      started.push(n);
      await new Promise((done) => setImmediate(done));
      if (n === 2) throw failure;
      return n;
    });

    await expect(mapped).rejects.toBe(failure);
    // Time enough, in turns of the event loop, for every item to have started had the map gone on.
    for (let turn = 0; turn < 10; turn++) await new Promise((done) => setImmediate(done));
    // 1 and 2 ran at once; 1 ended first and 3 took its place; once 2 failed, 4 and 5 never started.
    expect(started).toEqual([1, 2, 3]);
  });
});
