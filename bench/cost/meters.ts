import type { MiddlewareStack } from '@smithy/types';
import type { SQSRecord } from 'aws-lambda';
import type { Invocation } from '../../local/functions.ts';
import { functions, queues, type QueueDeclaration, type QueueName } from '../../shared/wiring.ts';
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
  /** Calls that answered ConsumedCapacity, to tell whether the engine reports it at all. */
  reported: number;
  /** Calls and units by command (`TransactWriteItems`: 3 calls, 18 units). */
  byCommand: Map<string, { calls: number; units: number }>;
  /** Write units by table, as ConsumedCapacity names them. */
  writeUnitsByTable: Map<string, number>;
}

export const noCapacity = (): CapacityCount => ({
  readUnits: 0,
  writeUnits: 0,
  calls: 0,
  estimatedWriteUnits: 0,
  reported: 0,
  byCommand: new Map(),
  writeUnitsByTable: new Map(),
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

/**
 * Asks every data-plane call of the client for its consumed capacity (`ReturnConsumedCapacity: 'TOTAL'`) and adds
 * it to `count`, as read or write units by the command. Joins the stack at `initialize`, above the SDK's retries,
 * so a call counts once whatever it took.
 */
export function meterCapacity<Input extends object, Output extends object>(
  client: MeteredClient<Input, Output>,
  count: CapacityCount,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName?.replace(/Command$/, '') ?? '';
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
            count.writeUnitsByTable.set(
              entry.TableName ?? '',
              (count.writeUnitsByTable.get(entry.TableName ?? '') ?? 0) + (entry.CapacityUnits ?? 0),
            );
        const mine = count.byCommand.get(command) ?? { calls: 0, units: 0 };
        mine.calls++;
        mine.units += units ?? 0;
        count.byCommand.set(command, mine);
        if (units !== undefined) {
          count.reported++;
          if (reads) count.readUnits += units;
          else count.writeUnits += units;
        }
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
