import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { deliverStreamRecords, type StreamDelivery } from '../../../local/pollers.ts';

const records = (count: number): DynamoDBRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    eventID: `e${i}`,
    dynamodb: { SequenceNumber: String(100 + i) },
  }));

/** A stand-in for Lambda's surroundings that records what the poller did. */
function delivery(invoke: StreamDelivery['invoke']) {
  const seen = { invocations: [] as string[][], checkpoints: [] as string[], gaveUp: [] as string[][] };
  const port: StreamDelivery = {
    invoke: async (batch) => {
      seen.invocations.push(batch.map((r) => r.dynamodb!.SequenceNumber!));
      return invoke(batch);
    },
    checkpoint: (sequence) => seen.checkpoints.push(sequence),
    giveUp: async (failed) => void seen.gaveUp.push(failed.map((r) => r.dynamodb!.SequenceNumber!)),
    sleep: async () => undefined,
  };
  return { port, seen };
}

const settings = { retryAttempts: 2, bisectBatchOnError: true };

describe('delivering stream records with Lambda semantics', () => {
  it('given a batch that succeeds, then it is invoked once and the position moves past its last record', async () => {
    const { port, seen } = delivery(async () => ({ batchItemFailures: [] }));

    await deliverStreamRecords(settings, records(3), port);

    expect(seen.invocations).toEqual([['100', '101', '102']]);
    expect(seen.checkpoints).toEqual(['102']);
  });

  it('given a reported failure, then records before it count as done and the rest is retried from it', async () => {
    let calls = 0;
    const { port, seen } = delivery(async () =>
      calls++ === 0 ? { batchItemFailures: [{ itemIdentifier: '101' }] } : { batchItemFailures: [] },
    );

    await deliverStreamRecords(settings, records(3), port);

    expect(seen.invocations).toEqual([
      ['100', '101', '102'],
      ['101', '102'],
    ]);
    expect(seen.checkpoints).toEqual(['100', '102']);
    expect(seen.gaveUp).toEqual([]);
  });

  it('given a poison record that always fails, then after the retries it alone goes to the failure queue and the rest is delivered', async () => {
    const { port, seen } = delivery(async (batch) => ({
      batchItemFailures: batch
        .filter((r) => r.eventID === 'e1')
        .map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! })),
    }));

    await deliverStreamRecords(settings, records(3), port);

    expect(seen.gaveUp).toEqual([['101']]);
    expect(seen.checkpoints).toEqual(['100', '101', '102']);
    expect(seen.invocations.filter((batch) => batch[0] === '101')).toHaveLength(1 + settings.retryAttempts);
  });

  it('given a handler that throws on a poison record, then the batch is bisected until the poison stands alone', async () => {
    const { port, seen } = delivery(async (batch) => {
      if (batch.some((r) => r.eventID === 'e0')) throw new Error('poison');
      return { batchItemFailures: [] };
    });

    await deliverStreamRecords({ retryAttempts: 3, bisectBatchOnError: true }, records(4), port);

    expect(seen.invocations.slice(0, 3)).toEqual([['100', '101', '102', '103'], ['100', '101'], ['100']]);
    expect(seen.gaveUp).toEqual([['100']]);
    expect(seen.checkpoints.at(-1)).toBe('103');
  });

  it('given the poller is stopping, then it stops retrying without moving the position', async () => {
    const state = { stopped: false };
    const { port, seen } = delivery(async () => {
      state.stopped = true;
      throw new Error('down');
    });

    await deliverStreamRecords(settings, records(2), port, state);

    expect(seen.invocations).toHaveLength(1);
    expect(seen.checkpoints).toEqual([]);
    expect(seen.gaveUp).toEqual([]);
  });
});
