import type { MiddlewareStack } from '@smithy/types';
import type { SQSRecord } from 'aws-lambda';
import type { Invocation } from '../../local/functions.ts';
import {
  functions,
  queues,
  tables,
  type QueueDeclaration,
  type QueueName,
  type TableDeclaration,
  type TableName,
} from '../../shared/wiring.ts';
import { billedGbSeconds, billedSqsRequests } from './pricing.ts';

/** A client whose middleware stack a meter can join (any AWS SDK v3 client). */
interface MeteredClient<Input extends object, Output extends object> {
  middlewareStack: MiddlewareStack<Input, Output>;
}

// ---------------------------------------------------------------- DynamoDB

/** The commands that take ReturnConsumedCapacity, by whether they read or write. */
const READ_COMMANDS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITE_COMMANDS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

export interface CapacityCount {
  readUnits: number;
  writeUnits: number;
  calls: number;
  /**
   * Units of writes refused by a condition (ConditionalCheckFailed, a cancelled transaction), which DynamoDB
   * bills but answers without ConsumedCapacity: estimated at one unit per item written, two in a transaction.
   */
  estimatedWriteUnits: number;
  /**
   * Units of reads by key (GetItem, BatchGetItem) of keys that hold no item: DynamoDB bills them as reads of an
   * item of up to 4 KB (1 unit strongly consistent, 0.5 eventually), DynamoDB Local answers them at 0.
   */
  estimatedReadUnits: number;
  /** Calls that answered ConsumedCapacity, to tell whether the engine reports it at all. */
  reported: number;
  /** Calls and units by command (`TransactWriteItems`: 3 calls, 18 units). */
  byCommand: Map<string, { calls: number; units: number }>;
  /** Write units by table, as ConsumedCapacity names them. */
  writeUnitsByTable: Map<string, number>;
  /**
   * Write units of PartiQL writes, estimated from their items' sizes where the engine answers them without
   * ConsumedCapacity (DynamoDB Local does, for ExecuteStatement and BatchExecuteStatement); in writeUnits too.
   */
  estimatedPartiqlWriteUnits: number;
}

export const noCapacity = (): CapacityCount => ({
  readUnits: 0,
  writeUnits: 0,
  calls: 0,
  estimatedWriteUnits: 0,
  estimatedReadUnits: 0,
  reported: 0,
  byCommand: new Map(),
  writeUnitsByTable: new Map(),
  estimatedPartiqlWriteUnits: 0,
});

interface ConsumedCapacity {
  TableName?: string;
  CapacityUnits?: number;
}

/** The units of a call's ConsumedCapacity: one entry, or one per table (batches and transactions). */
export function consumedUnits(
  consumed: ConsumedCapacity | ConsumedCapacity[] | undefined,
): number | undefined {
  if (consumed === undefined) return undefined;
  const entries = Array.isArray(consumed) ? consumed : [consumed];
  return entries.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
}

/** How many items a write command writes, for the estimate of a refused one. */
function itemsWritten(command: string, input: Record<string, unknown>): number {
  if (command === 'TransactWriteItems')
    return 2 * ((input.TransactItems as unknown[] | undefined)?.length ?? 1);
  if (command === 'BatchWriteItem') {
    return Object.values((input.RequestItems as Record<string, unknown[]> | undefined) ?? {}).reduce(
      (sum, requests) => sum + requests.length,
      0,
    );
  }
  return 1;
}

// PartiQL: what a statement writes, and what DynamoDB would bill for it.

const PARTIQL_COMMANDS = new Set(['ExecuteStatement', 'BatchExecuteStatement']);
/** What DynamoDB answers a statement refused by its condition: billed as a write of the item, not applied. */
const REFUSED_STATEMENT_CODES = new Set(['DuplicateItem', 'ConditionalCheckFailed']);

interface PartiqlStatement {
  Statement?: string;
  Parameters?: unknown[];
}

/** The key attributes of each index of a table: an item lands in an index when it has them all. */
export type IndexKeysOf = (tableName: string) => readonly (readonly string[])[];

/** The indexes of the runtime's tables, by the tables' names there, from their declarations in the wiring. */
export function indexKeysByTableName(tableNames: Record<TableName, string>): IndexKeysOf {
  const indexKeys = (table: TableDeclaration) => [
    ...table.localIndexes.map((index) => [table.partitionKey.name, index.sortKey.name]),
    ...(table.globalIndexes ?? []).map((index) => [index.partitionKey.name, index.sortKey.name]),
  ];
  const byName = new Map(
    (Object.keys(tableNames) as TableName[]).map((name) => [tableNames[name], indexKeys(tables[name])]),
  );
  return (tableName) => byName.get(tableName) ?? [];
}

/** The size DynamoDB bills for a value (strings and binaries by bytes, numbers about a byte per two digits). */
export function attributeValueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(value).replace(/[-.]/g, '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value) || value instanceof Set)
    return 3 + [...value].reduce((sum: number, element) => sum + 1 + attributeValueBytes(element), 0);
  return (
    3 +
    Object.entries(value as Record<string, unknown>).reduce(
      (sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + attributeValueBytes(element),
      0,
    )
  );
}

/**
 * An INSERT's table and item, as `INSERT INTO "<table>" VALUE {'<name>': ?, ...}` with one parameter per
 * attribute (how shared/news/dynamodb.ts writes); undefined for any other statement.
 */
export function insertedItem(
  statement: PartiqlStatement,
): { tableName: string; item: Record<string, unknown> } | undefined {
  const match = /^\s*INSERT\s+INTO\s+"([^"]+)"\s+VALUE\s+\{(.*)\}\s*$/is.exec(statement.Statement ?? '');
  if (!match) return undefined;
  const names = [...match[2]!.matchAll(/'([^']+)'\s*:\s*\?/g)].map((name) => name[1]!);
  const values = statement.Parameters ?? [];
  return { tableName: match[1]!, item: Object.fromEntries(names.map((name, i) => [name, values[i]])) };
}

/** An item's size as DynamoDB bills it: its attributes' names and values. */
export const itemBytes = (item: Record<string, unknown>): number =>
  Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + attributeValueBytes(value),
    0,
  );

/** Write units of putting an item: one per KB of it, in the table and in each index it lands in. */
export function itemWriteUnits(
  item: Record<string, unknown>,
  indexKeys: readonly (readonly string[])[],
): number {
  const units = Math.max(1, Math.ceil(itemBytes(item) / 1024));
  const indexes = indexKeys.filter((keys) => keys.every((key) => item[key] !== undefined)).length;
  return units * (1 + indexes);
}

/** Counts a PartiQL call's writes: from its ConsumedCapacity when answered, else estimated from its items. */
function countPartiql(
  count: CapacityCount,
  input: Record<string, unknown>,
  output: {
    ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
    Responses?: { Error?: { Code?: string } }[];
  },
  indexKeysOf: IndexKeysOf,
  failed: boolean,
): number {
  const statements: PartiqlStatement[] = (input.Statements as PartiqlStatement[] | undefined) ?? [input];
  const reported = consumedUnits(output.ConsumedCapacity);
  let estimated = 0;
  statements.forEach((statement, i) => {
    const inserted = insertedItem(statement);
    if (!inserted) return;
    const code = failed ? 'ConditionalCheckFailed' : output.Responses?.[i]?.Error?.Code;
    if (code !== undefined) {
      if (REFUSED_STATEMENT_CODES.has(code)) count.estimatedWriteUnits += 1;
      return;
    }
    if (reported === undefined) {
      const units = itemWriteUnits(inserted.item, indexKeysOf(inserted.tableName));
      estimated += units;
      addTo(count.writeUnitsByTable, inserted.tableName, units);
    }
  });
  if (reported !== undefined) {
    count.reported++;
    for (const entry of [output.ConsumedCapacity ?? []].flat())
      addTo(count.writeUnitsByTable, entry.TableName ?? '', entry.CapacityUnits ?? 0);
    count.writeUnits += reported;
    return reported;
  }
  count.estimatedPartiqlWriteUnits += estimated;
  count.writeUnits += estimated;
  return estimated;
}

interface KeyReads {
  Keys?: unknown[];
  ConsistentRead?: boolean;
}

/** What the keys read by a GetItem or BatchGetItem that found no item cost on DynamoDB (see estimatedReadUnits). */
function unitsOfKeysWithoutItems(
  command: 'GetItem' | 'BatchGetItem',
  input: Record<string, unknown>,
  output: {
    Item?: unknown;
    Responses?: Record<string, unknown[]>;
    UnprocessedKeys?: Record<string, KeyReads>;
  },
): number {
  const unitOf = (consistent: boolean | undefined) => (consistent ? 1 : 0.5);
  if (command === 'GetItem') return output.Item ? 0 : unitOf(input.ConsistentRead as boolean | undefined);
  const asked = (input.RequestItems ?? {}) as Record<string, KeyReads>;
  return Object.entries(asked).reduce((units, [table, reads]) => {
    const found = output.Responses?.[table]?.length ?? 0;
    const unprocessed = output.UnprocessedKeys?.[table]?.Keys?.length ?? 0;
    const missing = (reads.Keys?.length ?? 0) - found - unprocessed;
    return units + Math.max(0, missing) * unitOf(reads.ConsistentRead);
  }, 0);
}

const addTo = (map: Map<string, number>, key: string, units: number) =>
  map.set(key, (map.get(key) ?? 0) + units);

/**
 * Asks every data-plane call of the client for its consumed capacity (`ReturnConsumedCapacity: 'TOTAL'`) and adds
 * it to `count`, as read or write units by the command. Joins the stack at `initialize`, above the SDK's retries,
 * so a call counts once whatever it took.
 */
export function meterCapacity<Input extends object, Output extends object>(
  client: MeteredClient<Input, Output>,
  count: CapacityCount,
  indexKeysOf: IndexKeysOf = () => [],
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName?.replace(/Command$/, '') ?? '';
      if (PARTIQL_COMMANDS.has(command)) {
        const input = args.input as unknown as Record<string, unknown>;
        input.ReturnConsumedCapacity = 'TOTAL';
        count.calls++;
        const mine = count.byCommand.get(command) ?? { calls: 0, units: 0 };
        mine.calls++;
        count.byCommand.set(command, mine);
        try {
          const result = await next(args);
          mine.units += countPartiql(count, input, result.output as never, indexKeysOf, false);
          return result;
        } catch (error) {
          // ExecuteStatement alone answers a refused condition with an error, as UpdateItem does.
          if (command === 'ExecuteStatement' && (error as Error).name === 'ConditionalCheckFailedException')
            countPartiql(count, input, {}, indexKeysOf, true);
          throw error;
        }
      }
      const reads = READ_COMMANDS.has(command);
      const writes = WRITE_COMMANDS.has(command);
      if (!reads && !writes) return next(args);
      const input = args.input as unknown as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      count.calls++;
      try {
        const result = await next(args);
        const consumed = (
          result.output as unknown as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }
        ).ConsumedCapacity;
        const units = consumedUnits(consumed);
        if (writes)
          for (const entry of [consumed ?? []].flat())
            addTo(count.writeUnitsByTable, entry.TableName ?? '', entry.CapacityUnits ?? 0);
        const mine = count.byCommand.get(command) ?? { calls: 0, units: 0 };
        mine.calls++;
        mine.units += units ?? 0;
        count.byCommand.set(command, mine);
        if (units !== undefined) {
          count.reported++;
          if (reads) count.readUnits += units;
          else count.writeUnits += units;
        }
        if (command === 'GetItem' || command === 'BatchGetItem')
          count.estimatedReadUnits += unitsOfKeysWithoutItems(command, input, result.output as never);
        return result;
      } catch (error) {
        const name = (error as Error).name;
        if (writes && (name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException'))
          count.estimatedWriteUnits += itemsWritten(command, input);
        throw error;
      }
    },
    { step: 'initialize', name: 'costMeterCapacity' },
  );
}

// The feeds table: which of its items a call writes (what the news benchmarks count).

/** One item of the feeds table that a call writes, or tries to. */
export interface FeedItemWrite {
  pk: string;
  sk: string;
  /** False when the write's condition, or its statement's answer, refused it. */
  landed: boolean;
}

/** A call of the watched client, once it has answered, with the feed items it wrote or tried to. */
export interface WatchedCall {
  /** The low-level command's name without `Command` (`UpdateItem`, `BatchExecuteStatement`, ...). */
  command: string;
  input: Record<string, unknown>;
  feedWrites: FeedItemWrite[];
}

const keyOf = (item: Record<string, unknown> | undefined) => ({ pk: String(item?.pk), sk: String(item?.sk) });

/**
 * The items of `feedsTable` that one call writes, as shared/news/dynamodb.ts and its erasure write them: an
 * UpdateItem's key, each PartiQL INSERT of a BatchExecuteStatement (refused where its answer is an error), each
 * request of a BatchWriteItem. None for any other call. `failed`: the call itself threw (a refused condition).
 */
export function feedItemWrites(
  command: string,
  input: Record<string, unknown>,
  output: { Responses?: { Error?: unknown }[] } | undefined,
  failed: boolean,
  feedsTable: string,
): FeedItemWrite[] {
  if (command === 'UpdateItem' && input.TableName === feedsTable)
    return [{ ...keyOf(input.Key as Record<string, unknown>), landed: !failed }];
  if (command === 'BatchExecuteStatement')
    return ((input.Statements as PartiqlStatement[] | undefined) ?? []).flatMap((statement, i) => {
      const inserted = insertedItem(statement);
      if (inserted?.tableName !== feedsTable) return [];
      return [{ ...keyOf(inserted.item), landed: !failed && output?.Responses?.[i]?.Error === undefined }];
    });
  if (command === 'BatchWriteItem') {
    const requests = (
      input.RequestItems as Record<string, Record<string, { Item?: object; Key?: object }>[]>
    )?.[feedsTable];
    return (requests ?? []).map((request) => {
      const { PutRequest, DeleteRequest } = request;
      return {
        ...keyOf((PutRequest?.Item ?? DeleteRequest?.Key) as Record<string, unknown>),
        landed: !failed,
      };
    });
  }
  return [];
}

/**
 * Tells `onCall` of every call of `client` (the process's document client, which the functions share) once it
 * has answered or failed, with the items of `feedsTable` it wrote: the news benchmarks count feed writes, and
 * tell the pipeline has gone quiet when calls stop coming. Joins the stack at `initialize`, where the document
 * client's items are plain objects, above the SDK's retries, so a call comes once whatever it took. Returns what
 * stops the watching, so that the next benchmark of the same process can watch afresh.
 */
export function watchFeedWrites<Input extends object, Output extends object>(
  client: MeteredClient<Input, Output>,
  feedsTable: string,
  onCall: (call: WatchedCall) => void,
): () => void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName?.replace(/Command$/, '') ?? '';
      const input = args.input as unknown as Record<string, unknown>;
      const report = (output: object | undefined, failed: boolean) =>
        onCall({ command, input, feedWrites: feedItemWrites(command, input, output, failed, feedsTable) });
      try {
        const result = await next(args);
        report(result.output, false);
        return result;
      } catch (error) {
        report(undefined, true);
        throw error;
      }
    },
    { step: 'initialize', name: WATCH_FEED_WRITES },
  );
  return () => void client.middlewareStack.remove(WATCH_FEED_WRITES);
}

const WATCH_FEED_WRITES = 'benchWatchFeedWrites';

// ---------------------------------------------------------------- SQS

export type QueuePricing = 'standard' | 'fifo' | 'fair';

export interface SqsCount {
  standard: number;
  fifo: number;
  fair: number;
}

export const noSqs = (): SqsCount => ({ standard: 0, fifo: 0, fair: 0 });

/** How a queue's requests are billed: FIFO, fair (a standard queue with message groups) or standard. */
export function queuePricing(name: QueueName): QueuePricing {
  const declaration: QueueDeclaration = queues[name];
  if (declaration.fifoBy) return 'fifo';
  if (declaration.fairBy) return 'fair';
  return 'standard';
}

interface SqsMessageLike {
  MessageBody?: string;
  Body?: string;
  MessageAttributes?: Record<string, { StringValue?: string; DataType?: string }>;
}

/** A message's billed payload: its body and its attributes' names, types and values. */
export function messageBytes(message: SqsMessageLike): number {
  const body = message.MessageBody ?? message.Body ?? '';
  const attributes = Object.entries(message.MessageAttributes ?? {}).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      Buffer.byteLength(value.StringValue ?? ''),
    0,
  );
  return Buffer.byteLength(body) + attributes;
}

/**
 * Counts the billed requests the functions make to SQS (sends, and anything else they call), by the queue's
 * pricing; a request to a queue that is not declared counts as standard.
 */
export function meterSqs<Input extends object, Output extends object>(
  client: MeteredClient<Input, Output>,
  queueUrls: Record<QueueName, string>,
  count: SqsCount,
): void {
  const pricingByUrl = new Map(
    (Object.keys(queueUrls) as QueueName[]).map((name) => [queueUrls[name], queuePricing(name)]),
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as unknown as SqsMessageLike & {
        QueueUrl?: string;
        Entries?: SqsMessageLike[];
      };
      const command = (context as { commandName?: string }).commandName ?? '';
      const result = await next(args);
      let payload = 0;
      if (command === 'SendMessageCommand') payload = messageBytes(input);
      if (command === 'SendMessageBatchCommand')
        payload = (input.Entries ?? []).reduce((sum, entry) => sum + messageBytes(entry), 0);
      if (command === 'ReceiveMessageCommand')
        payload = ((result.output as unknown as { Messages?: SqsMessageLike[] }).Messages ?? []).reduce(
          (sum, message) => sum + messageBytes(message),
          0,
        );
      count[pricingByUrl.get(input.QueueUrl ?? '') ?? 'standard'] += billedSqsRequests(payload);
      return result;
    },
    { step: 'initialize', name: 'costMeterSqs' },
  );
}

// ---------------------------------------------------------------- S3

export interface S3Count {
  writeRequests: number;
  readRequests: number;
  /** Billed requests by command and the kind of key (s3KeyKind): `PutObject indexes/` 12. */
  byPurpose: Map<string, number>;
}

export const noS3 = (): S3Count => ({ writeRequests: 0, readRequests: 0, byPurpose: new Map() });

/**
 * What an object key (or a listing's prefix) holds, by its first segment and, for the page texts kept beside the
 * snapshots (shared/checker/snapshots.ts), its `text/` segment: `snapshots/`, `snapshots/…/text/`, `indexes/`.
 */
export function s3KeyKind(key: string): string {
  const first = key.split('/')[0] ?? '';
  return key.split('/')[2] === 'text' ? `${first}/…/text/` : `${first}/`;
}

/** S3's request classes: PUT, COPY, POST and LIST (uploads' parts included) are the dearer one; DELETE is free. */
export function s3RequestClass(command: string): 'write' | 'read' | 'free' {
  const name = command.replace(/Command$/, '');
  if (/^Delete/.test(name)) return 'free';
  if (/^(Put|Copy|List|CreateMultipartUpload|UploadPart|CompleteMultipartUpload|Post)/.test(name))
    return 'write';
  return 'read';
}

export function meterS3<Input extends object, Output extends object>(
  client: MeteredClient<Input, Output>,
  count: S3Count,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = ((context as { commandName?: string }).commandName ?? '').replace(/Command$/, '');
      const kind = s3RequestClass(command);
      if (kind === 'write') count.writeRequests++;
      if (kind === 'read') count.readRequests++;
      if (kind !== 'free') {
        const input = args.input as { Key?: string; Prefix?: string };
        const purpose = `${command} ${s3KeyKind(input.Key ?? input.Prefix ?? '')}`;
        count.byPurpose.set(purpose, (count.byPurpose.get(purpose) ?? 0) + 1);
      }
      return next(args);
    },
    { step: 'initialize', name: 'costMeterS3' },
  );
}

// ---------------------------------------------------------------- Lambda, and the event source mappings' SQS

export interface FunctionUsage {
  invocations: number;
  gbSeconds: number;
  durationMs: number;
  /** The process's CPU time during the invocations (local/functions.ts): theirs alone only when they ran alone. */
  cpuMs: number;
}

export interface InvocationCount {
  byFunction: Map<string, FunctionUsage>;
  /**
   * The SQS requests Lambda's event source mappings make for the deliveries: one ReceiveMessage per batch (a
   * 64 KB chunk each) and one DeleteMessageBatch per ten messages. Derived from the invocations, not counted: the
   * local pollers poll otherwise (and their empty receives are the idle cost, estimated at rest).
   */
  pollerSqs: SqsCount;
  /** The deliveries (batches) and the messages in them, by queue: how full the batches were. */
  deliveries: Map<QueueName, { batches: number; messages: number }>;
}

export const noInvocations = (): InvocationCount => ({
  byFunction: new Map(),
  pollerSqs: noSqs(),
  deliveries: new Map(),
});

/** The declared queue of each queue name the runtime made (the last segment of its URL, as ARNs end). */
export function queuesByName(queueUrls: Record<QueueName, string>): Map<string, QueueName> {
  return new Map(
    (Object.keys(queueUrls) as QueueName[]).map((name) => [queueUrls[name].split('/').at(-1)!, name]),
  );
}

export function countInvocation(
  count: InvocationCount,
  invocation: Invocation,
  queueNames: ReadonlyMap<string, QueueName>,
): void {
  const usage = count.byFunction.get(invocation.name) ?? {
    invocations: 0,
    gbSeconds: 0,
    durationMs: 0,
    cpuMs: 0,
  };
  usage.invocations++;
  usage.durationMs += invocation.durationMs;
  usage.cpuMs += invocation.cpuMs;
  usage.gbSeconds += billedGbSeconds(invocation.durationMs, functions[invocation.name].size.memoryMb);
  count.byFunction.set(invocation.name, usage);
  const records = (invocation.event as { Records?: SQSRecord[] } | undefined)?.Records ?? [];
  const fromQueue = records.filter((record) => record.eventSource === 'aws:sqs');
  if (fromQueue.length === 0) return;
  const queue = queueNames.get(fromQueue[0]!.eventSourceARN.split(':').at(-1)!);
  const pricing = queue ? queuePricing(queue) : 'standard';
  if (queue) {
    const delivered = count.deliveries.get(queue) ?? { batches: 0, messages: 0 };
    delivered.batches++;
    delivered.messages += fromQueue.length;
    count.deliveries.set(queue, delivered);
  }
  const bytes = fromQueue.reduce(
    (sum, record) =>
      sum +
      messageBytes({
        Body: record.body,
        MessageAttributes: Object.fromEntries(
          Object.entries(record.messageAttributes).map(([name, value]) => [
            name,
            { DataType: value.dataType, StringValue: value.stringValue ?? '' },
          ]),
        ),
      }),
    0,
  );
  count.pollerSqs[pricing] += billedSqsRequests(bytes) + Math.ceil(fromQueue.length / 10);
}
