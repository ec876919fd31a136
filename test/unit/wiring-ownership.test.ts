import { describe, expect, it } from 'vitest';
import {
  buckets,
  eventSources,
  functions,
  queues,
  tables,
  answersPosts,
  contextOf,
  idempotentRequests,
  ITEM_CALLS,
  type BucketName,
  type ContextName,
  type FunctionDeclaration,
  type FunctionName,
  type QueueName,
  type TableName,
  type TableReach,
} from '../../shared/wiring.ts';

/**
 * Each declaration names its context; these checks keep the names true to what the functions do, so that a
 * declaration cannot drift from the code that the CDK app groups by it.
 */

const functionNames = Object.keys(functions) as FunctionName[];
/** Whether a reach writes anything: a table's owning context is one that writes it. */
const writes = (reach: TableReach) =>
  ITEM_CALLS.some(
    (call) => !['read', 'batchRead', 'conditionCheck'].includes(call) && (reach[call]?.length ?? 0) > 0,
  );
const declared = (name: FunctionName): FunctionDeclaration => functions[name];
const contextsOf = (names: FunctionName[]) => new Set<ContextName>(names.map((name) => contextOf(name)));

describe('every declaration names the context that owns it', () => {
  it.each(Object.keys(tables) as TableName[])(
    'given the table %s, then a function of its context writes it',
    (table) => {
      if (table === idempotentRequests.table) return;
      const writers = functionNames.filter((name) => {
        const reach = declared(name).tables[table];
        return reach !== undefined && writes(reach);
      });

      expect(contextsOf(writers)).toContain(tables[table].context);
    },
  );

  it('given the idempotency table, which the route wrapper writes for every POST function, then it is shared', () => {
    const writers = functionNames.filter(answersPosts);

    expect(contextsOf(writers).size).toBeGreaterThan(1);
    expect(tables[idempotentRequests.table].context).toBe('shared');
  });

  it.each(Object.keys(buckets) as BucketName[])(
    'given the bucket %s, then the functions that write it are all of its context',
    (bucket) => {
      const writers = functionNames.filter((name) =>
        ['readwrite', 'write', 'upload'].includes(declared(name).buckets?.[bucket] ?? ''),
      );

      expect([...contextsOf(writers)]).toEqual([buckets[bucket].context]);
    },
  );

  it.each(Object.keys(queues) as QueueName[])(
    'given the queue %s, then it belongs to the context of the functions it triggers, or is shared when it triggers none',
    (queue) => {
      const consumers = eventSources.flatMap((s) =>
        s.kind === 'queue' && s.queue === queue ? [s.function] : [],
      );
      const expected = consumers.length > 0 ? [...contextsOf(consumers)] : ['shared'];

      expect(expected).toEqual([queues[queue].context]);
    },
  );
});
