import {
  buckets,
  deployedFunctionNames,
  eventSources,
  functions,
  queues,
  schedules,
  tables,
  writes,
  type BucketName,
  type FunctionDeclaration,
  type FunctionName,
  type QueueName,
  type TableName,
} from '../shared/wiring.ts';

/**
 * The bounded contexts, read off the wiring: each function belongs to the context of its folder under
 * functions/ (`links/add-link` is in links), and each table, bucket and queue to the context that owns it.
 * The CDK app builds one construct per context in each stack: its data in the stateful stack, its queues and
 * functions in the stateless one.
 *
 * Ownership:
 * - the four tables of the original's services are owned as the architecture says (news owns the feeds);
 * - any other table or bucket belongs to the context whose functions write it, and a queue to the context of
 *   the functions it triggers (or whose streams fail into it, or that send to it);
 * - what several contexts share alike (the streams' one failure queue) lives in `shared`.
 */
export const SHARED = 'shared';

/** Owners of the tables, as the architecture names them. */
const TABLE_OWNERS: Partial<Record<TableName, string>> = {
  links: 'links',
  users: 'users',
  social: 'social',
  feeds: 'news',
};

export interface BoundedContext {
  name: string;
  /** The construct id, e.g. `Links`. */
  id: string;
  /** Its deployed functions. */
  functions: FunctionName[];
  tables: TableName[];
  buckets: BucketName[];
  queues: QueueName[];
}

const declared = (name: FunctionName) => functions[name] as FunctionDeclaration;

export function contextOf(name: FunctionName): string {
  return declared(name).entry.split('/')[0]!;
}

/** The first non-empty group of candidates decides: its one context, or `shared` when it names several. */
function owner(...groups: FunctionName[][]): string {
  for (const group of groups) {
    const contexts = new Set(group.map(contextOf));
    if (contexts.size === 1) return [...contexts][0]!;
    if (contexts.size > 1) return SHARED;
  }
  return SHARED;
}

function tableOwner(table: TableName): string {
  const all = Object.keys(functions) as FunctionName[];
  return (
    TABLE_OWNERS[table] ??
    owner(
      all.filter((name) => {
        const reach = declared(name).tables[table];
        return reach !== undefined && writes(reach);
      }),
      all.filter((name) => declared(name).tables[table] !== undefined),
    )
  );
}

function bucketOwner(bucket: BucketName): string {
  const all = Object.keys(functions) as FunctionName[];
  return owner(
    all.filter((name) => declared(name).buckets?.[bucket] === 'readwrite'),
    all.filter((name) => declared(name).buckets?.[bucket] !== undefined),
  );
}

function queueOwner(queue: QueueName): string {
  const all = Object.keys(functions) as FunctionName[];
  return owner(
    eventSources.flatMap((s) => (s.kind === 'queue' && s.queue === queue ? [s.function] : [])),
    eventSources.flatMap((s) => (s.kind === 'stream' && s.onFailure === queue ? [s.function] : [])),
    all.filter((name) => declared(name).sendsTo?.includes(queue)),
  );
}

const constructId = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Every context that has something to deploy, in a stable order (that of the wiring's functions). */
export function boundedContexts(): BoundedContext[] {
  const byName = new Map<string, BoundedContext>();
  const context = (name: string): BoundedContext => {
    let found = byName.get(name);
    if (!found) {
      found = { name, id: constructId(name), functions: [], tables: [], buckets: [], queues: [] };
      byName.set(name, found);
    }
    return found;
  };
  for (const name of Object.keys(functions) as FunctionName[]) context(contextOf(name));
  for (const name of deployedFunctionNames()) context(contextOf(name)).functions.push(name);
  for (const table of Object.keys(tables) as TableName[]) context(tableOwner(table)).tables.push(table);
  for (const bucket of Object.keys(buckets) as BucketName[])
    context(bucketOwner(bucket)).buckets.push(bucket);
  for (const queue of Object.keys(queues) as QueueName[]) context(queueOwner(queue)).queues.push(queue);
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
