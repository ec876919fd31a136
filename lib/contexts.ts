import {
  buckets,
  contextOf,
  deployedFunctionNames,
  eventSources,
  functions,
  queues,
  schedules,
  tables,
  type BucketName,
  type ContextName,
  type FunctionName,
  type QueueName,
  type TableName,
} from '../shared/wiring.ts';

/**
 * The bounded contexts, grouped from the wiring: every table, bucket and queue declares the context that owns
 * it, and each context lists its functions. The CDK app builds one construct per context in each stack: its
 * data in the stateful stack, its queues and functions in the stateless one.
 */
export interface BoundedContext {
  name: ContextName;
  /** The construct id, e.g. `Links`. */
  id: string;
  /** Its deployed functions. */
  functions: FunctionName[];
  tables: TableName[];
  buckets: BucketName[];
  queues: QueueName[];
}

const constructId = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * Every context that has something to deploy, in a stable order: that of the wiring's functions, then of its
 * tables, buckets and queues.
 */
export function boundedContexts(): BoundedContext[] {
  const byName = new Map<ContextName, BoundedContext>();
  const context = (name: ContextName): BoundedContext => {
    let found = byName.get(name);
    if (!found) {
      found = { name, id: constructId(name), functions: [], tables: [], buckets: [], queues: [] };
      byName.set(name, found);
    }
    return found;
  };
  for (const name of Object.keys(functions) as FunctionName[]) context(contextOf(name));
  for (const name of deployedFunctionNames()) context(contextOf(name)).functions.push(name);
  for (const table of Object.keys(tables) as TableName[]) context(tables[table].context).tables.push(table);
  for (const bucket of Object.keys(buckets) as BucketName[])
    context(buckets[bucket].context).buckets.push(bucket);
  for (const queue of Object.keys(queues) as QueueName[]) context(queues[queue].context).queues.push(queue);
  return [...byName.values()].filter(
    (c) => c.functions.length + c.tables.length + c.buckets.length + c.queues.length > 0,
  );
}

/** The schedules of a context's deployed functions. */
export function schedulesOf(context: BoundedContext) {
  return schedules.filter((schedule) => context.functions.includes(schedule.function));
}

/** The event sources of a context's deployed functions. */
export function eventSourcesOf(context: BoundedContext) {
  return eventSources.filter((source) => context.functions.includes(source.function));
}
