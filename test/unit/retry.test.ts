import { describe, expect, it } from 'vitest';
import { Unavailable } from '../../shared/errors.ts';
import { backoffMs, retry, TRY_AGAIN, type Pause, type RetryPolicy } from '../../shared/retry.ts';

const policy: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 250,
  giveUp: () => new Unavailable('still busy'),
};

/** Sleeps return at once and are recorded; the jitter is fixed. */
class RecordingPause implements Pause {
  readonly sleeps: number[] = [];
  constructor(private readonly jitter: number) {}
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
  }
  random(): number {
    return this.jitter;
  }
}

describe('retry: one policy for every loop that tries again', () => {
  it('given the first attempt succeeds, when run, then its answer comes back without a pause', async () => {
    const pause = new RecordingPause(0.5);

    expect(await retry(policy, async () => 'done', pause)).toBe('done');
    expect(pause.sleeps).toEqual([]);
  });

  it('given two attempts ask to try again, when run, then the third answers after two growing pauses', async () => {
    const pause = new RecordingPause(0.5);
    const numbers: number[] = [];

    const answer = await retry(
      policy,
      async (attemptNumber) => {
        numbers.push(attemptNumber);
        return attemptNumber < 3 ? TRY_AGAIN : undefined;
      },
      pause,
    );

    expect(answer).toBeUndefined();
    expect(numbers).toEqual([1, 2, 3]);
    expect(pause.sleeps).toEqual([50, 100]);
  });

  it('given every attempt asks to try again, when run, then giveUp is thrown after the last attempt', async () => {
    const pause = new RecordingPause(1);
    let attempts = 0;

    const run = retry(
      policy,
      async () => {
        attempts++;
        return TRY_AGAIN;
      },
      pause,
    );

    await expect(run).rejects.toThrow(new Unavailable('still busy'));
    expect(attempts).toBe(4);
    expect(pause.sleeps).toEqual([100, 200, 250]);
  });

  it('given an attempt throws, when run, then the error ends the loop at once', async () => {
    const pause = new RecordingPause(0.5);
    let attempts = 0;

    const run = retry(
      policy,
      async () => {
        attempts++;
        throw new Error('a bug');
      },
      pause,
    );

    await expect(run).rejects.toThrow('a bug');
    expect(attempts).toBe(1);
    expect(pause.sleeps).toEqual([]);
  });
});

describe('backoffMs: full jitter', () => {
  it.each([
    [1, 0, 0],
    [1, 0.999, 99.9],
    [2, 0.5, 100],
    [3, 0.5, 125],
    [10, 1, 250],
  ])('given retry %i and jitter %f, then %f ms', (retryNumber, jitter, expected) => {
    expect(backoffMs(policy, retryNumber, jitter)).toBeCloseTo(expected);
  });
});
