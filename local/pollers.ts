import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  eventSources,
  messageGroupOf,
  queues,
  type EventSourceDeclaration,
  type FunctionName,
  type QueueDeclaration,
  type QueueName,
  type TableName,
} from '../shared/wiring.ts';
import { LOCAL_AWS, LOCAL_AWS_AS_FUNCTIONS } from './engines.ts';
import { withoutSdkLogger } from '../shared/aws/transport.ts';
import { invoke } from './functions.ts';
import { RoundRobin } from './round-robin.ts';

/**
 * Lambda's event source mappings, done locally: nothing emulates them, so the runtime polls the DynamoDB Local
 * streams and the emulator's queues itself and invokes the declared handlers with Lambda's semantics.
 */

type BatchResult = { batchItemFailures?: { itemIdentifier: string }[] } | undefined;

export interface PollerEnvironment {
  dynamoDbEndpoint: string;
  queuesEndpoint: string;
  tableNames: Record<TableName, string>;
  queueUrls: Record<QueueName, string>;
  /** Where stream positions are kept across restarts; undefined keeps them in memory. */
  checkpointFile?: string | undefined;
  /** The event sources to run; all the declared ones unless given (tests and benchmarks pick one). */
  sources?: EventSourceDeclaration[] | undefined;
  /** False polls fair queues oldest first like any other, as the emulator serves them (benchmarks compare). */
  fairQueues?: boolean | undefined;
  /** Runs a function on an event: the declared handler unless given (tests stand a fake in for it). */
  invoke?: ((name: FunctionName, event: unknown) => Promise<unknown>) | undefined;
}

export interface Pollers {
  stop(): Promise<void>;
}

/** Lambda reads each stream shard about four times a second: an idle shard is read again after this. */
const STREAM_IDLE_MS = 250;
/** The shard list is read again this often (shards roll over every few hours; a closed one triggers it too). */
const SHARD_LIST_REFRESH_MS = 10_000;
const RETRY_BACKOFF_MS = 200;

export function startPollers(env: PollerEnvironment): Pollers {
  const checkpoints = new Checkpoints(env.checkpointFile);
  // Configured as the functions' clients are (shared/aws/transport.ts), since they poll in the process that runs
  // the functions, and Lambda's event source mappings cost the functions nothing: without the SDK's logger
  // middleware, which would walk every record of every GetRecords and ReceiveMessage answer, and signing with a
  // KeyObject (LOCAL_AWS_AS_FUNCTIONS), which spares each poll two caught errors.
  const dynamo = new DynamoDBClient({ ...LOCAL_AWS_AS_FUNCTIONS, endpoint: env.dynamoDbEndpoint });
  const streams = withoutSdkLogger(
    new DynamoDBStreamsClient({ ...LOCAL_AWS_AS_FUNCTIONS, endpoint: env.dynamoDbEndpoint }),
  );
  // Each queue consumer holds a connection for its long poll: with the SDK's default of 50 sockets, 50 consumers
  // would leave none for deletes and sends, which would wait up to a poll's second for one.
  const consumers = (env.sources ?? eventSources).reduce(
    (sum, source) => sum + (source.kind === 'queue' ? source.maxConcurrency : 0),
    0,
  );
  const sqs = withoutSdkLogger(
    new SQSClient({
      ...LOCAL_AWS_AS_FUNCTIONS,
      endpoint: env.queuesEndpoint,
      requestHandler: { httpAgent: { keepAlive: true, maxSockets: 2 * consumers + 10 } },
    }),
  );
  const state = { stopped: false };
  const loops: Promise<void>[] = [];
  const fairFeeds: FairQueueFeed[] = [];
  for (const source of env.sources ?? eventSources) {
    if (source.kind === 'stream') {
      loops.push(
        supervise(
          () =>
            pollStream(
              source,
              env,
              { dynamo, streams, sqs },
              checkpoints.forConsumer(source.function),
              state,
            ),
          state,
        ),
      );
    } else {
      const declaration: QueueDeclaration = queues[source.queue];
      const queueUrl = env.queueUrls[source.queue];
      const fair = declaration.fairBy !== undefined && env.fairQueues !== false;
      const feed = fair ? new FairQueueFeed(sqs, queueUrl, declaration, source.batchSize) : undefined;
      if (feed) fairFeeds.push(feed);
      // As many concurrent consumers as the mapping's maxConcurrency allows, as Lambda scales its queue pollers up
      // to it under load: each long-polls, so an idle one costs nothing but a waiting request.
      for (let i = 0; i < source.maxConcurrency; i++) {
        loops.push(
          supervise(
            () => (feed ? pollFairQueue(source, env, feed, sqs, state) : pollQueue(source, env, sqs, state)),
            state,
          ),
        );
      }
    }
  }
  return {
    async stop() {
      state.stopped = true;
      await Promise.all(loops);
      await Promise.all(fairFeeds.map((feed) => feed.release()));
      dynamo.destroy();
      streams.destroy();
      sqs.destroy();
    },
  };
}

/** Keeps a poller alive: an unexpected error is reported and the loop starts again. */
async function supervise(loop: () => Promise<void>, state: { stopped: boolean }): Promise<void> {
  while (!state.stopped) {
    try {
      await loop();
    } catch (error) {
      if (state.stopped) return;
      const { name, message } = error as Error;
      console.error(`local poller error (restarting): ${name}: ${message}`);
      await sleep(1000);
    }
  }
}

// ---------------------------------------------------------------- streams

/**
 * Per-shard positions: the sequence number of the last record handled, saved after every batch. Each consumer
 * of a stream keeps its own: a stream may feed several functions, as the links stream feeds the news and the
 * link checker.
 */
class Checkpoints {
  private readonly positions: Record<string, string>;

  constructor(
    private readonly file: string | undefined,
    positions?: Record<string, string>,
    private readonly consumer?: string,
  ) {
    this.positions =
      positions ??
      (file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {});
  }

  /** The positions of one consumer, saved in the same file. */
  forConsumer(consumer: string): Checkpoints {
    return new Checkpoints(this.file, this.positions, consumer);
  }

  private key(streamArn: string, shardId: string): string {
    return `${this.consumer ?? ''}|${streamArn}|${shardId}`;
  }

  get(streamArn: string, shardId: string): string | undefined {
    return this.positions[this.key(streamArn, shardId)];
  }

  set(streamArn: string, shardId: string, sequenceNumber: string): void {
    this.positions[this.key(streamArn, shardId)] = sequenceNumber;
    if (!this.file) return;
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.positions, null, 1));
    renameSync(`${this.file}.tmp`, this.file);
  }
}

interface Clients {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  sqs: SQSClient;
}

async function pollStream(
  source: Extract<EventSourceDeclaration, { kind: 'stream' }>,
  env: PollerEnvironment,
  clients: Clients,
  checkpoints: Checkpoints,
  state: { stopped: boolean },
): Promise<void> {
  const { Table } = await clients.dynamo.send(
    new DescribeTableCommand({ TableName: env.tableNames[source.table] }),
  );
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${source.table} has no stream`);
  const iterators = new Map<string, string | null>(); // null: the shard is closed and fully read
  let shards: Shard[] = [];
  let listedAt = -Infinity;
  let closedWhenListed = 0;
  while (!state.stopped) {
    // Listing shards is a call of its own: done now and then, not before every read, so reads keep Lambda's pace.
    // A shard that has just closed has children to read: list again at once.
    const closed = [...iterators.values()].filter((iterator) => iterator === null).length;
    if (Date.now() - listedAt >= SHARD_LIST_REFRESH_MS || closed !== closedWhenListed) {
      shards = await listShards(clients.streams, streamArn);
      listedAt = Date.now();
      closedWhenListed = closed;
    }
    const known = new Set(shards.map((s) => s.ShardId));
    let worked = false;
    for (const shard of shards) {
      const shardId = shard.ShardId!;
      if (iterators.get(shardId) === null) continue;
      // Parents before children, so that a link's changes are handled in order.
      if (
        shard.ParentShardId &&
        known.has(shard.ParentShardId) &&
        iterators.get(shard.ParentShardId) !== null
      ) {
        continue;
      }
      if (!iterators.has(shardId)) {
        iterators.set(shardId, await shardIterator(clients.streams, streamArn, shardId, checkpoints));
      }
      const records = await readBatch(source, clients.streams, iterators, shardId, streamArn, checkpoints);
      if (records.length === 0) continue;
      worked = true;
      await deliverStreamRecords(
        source,
        records.map((record) => toLambdaStreamRecord(record, streamArn)),
        {
          invoke: async (batch) => {
            try {
              return (await (env.invoke ?? invoke)(source.function, { Records: batch })) as BatchResult;
            } catch (error) {
              console.error(
                `${source.function} failed on a batch of ${batch.length}: ${(error as Error).message}`,
              );
              throw error;
            }
          },
          checkpoint: (sequenceNumber) => checkpoints.set(streamArn, shardId, sequenceNumber),
          giveUp: async (failed) => {
            await clients.sqs.send(
              new SendMessageCommand({
                QueueUrl: env.queueUrls[source.onFailure],
                MessageBody: JSON.stringify({
                  source: source.function,
                  reason: `gave up after ${source.retryAttempts} retries`,
                  records: failed,
                }),
              }),
            );
          },
          sleep,
        },
        state,
      );
    }
    if (!worked) await sleep(STREAM_IDLE_MS);
  }
}

/**
 * Marks everything a table's stream holds now as handled by each of its consumers, in the checkpoint file that
 * pollers started later read: they begin after it, as an event source mapping created now would (LATEST). For a
 * benchmark's setup, written straight into a table, that is no part of what it measures.
 */
export async function checkpointStreamEnd(
  env: Pick<PollerEnvironment, 'dynamoDbEndpoint' | 'tableNames'> & { checkpointFile: string },
  table: TableName,
): Promise<void> {
  const dynamo = new DynamoDBClient({ ...LOCAL_AWS, endpoint: env.dynamoDbEndpoint });
  const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: env.dynamoDbEndpoint });
  try {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: env.tableNames[table] }));
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`Table ${table} has no stream`);
    const checkpoints = new Checkpoints(env.checkpointFile);
    for (const shard of await listShards(streams, streamArn)) {
      let iterator = (
        await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      let last: string | undefined;
      while (iterator) {
        const { Records = [], NextShardIterator } = await streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
        );
        if (Records.length === 0) break;
        last = Records.at(-1)!.dynamodb!.SequenceNumber;
        iterator = NextShardIterator;
      }
      if (!last) continue;
      for (const source of eventSources)
        if (source.kind === 'stream' && source.table === table)
          checkpoints.forConsumer(source.function).set(streamArn, shard.ShardId!, last);
    }
  } finally {
    dynamo.destroy();
    streams.destroy();
  }
}

async function listShards(client: DynamoDBStreamsClient, streamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const { StreamDescription } = await client.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
    );
    shards.push(...(StreamDescription?.Shards ?? []));
    start = StreamDescription?.LastEvaluatedShardId;
  } while (start);
  return shards;
}

/** From the saved position, or the shard's oldest record when there is none or it was trimmed away. */
async function shardIterator(
  client: DynamoDBStreamsClient,
  streamArn: string,
  shardId: string,
  checkpoints: Checkpoints,
): Promise<string | null> {
  const after = checkpoints.get(streamArn, shardId);
  const get = async (position: {
    ShardIteratorType: 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER';
    SequenceNumber?: string;
  }) =>
    (await client.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...position })))
      .ShardIterator ?? null;
  if (!after) return get({ ShardIteratorType: 'TRIM_HORIZON' });
  try {
    return await get({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after });
  } catch (error) {
    if (!(error instanceof TrimmedDataAccessException)) throw error;
    console.warn(
      `stream ${shardId}: records after the saved position were trimmed; reading from the oldest left`,
    );
    return get({ ShardIteratorType: 'TRIM_HORIZON' });
  }
}

/** Up to batchSize records of a shard, waiting at most the batching window for a batch to fill. */
async function readBatch(
  source: Extract<EventSourceDeclaration, { kind: 'stream' }>,
  client: DynamoDBStreamsClient,
  iterators: Map<string, string | null>,
  shardId: string,
  streamArn: string,
  checkpoints: Checkpoints,
): Promise<StreamRecord[]> {
  const records: StreamRecord[] = [];
  const deadline = Date.now() + source.maxBatchingWindowSeconds * 1000;
  for (;;) {
    const iterator = iterators.get(shardId);
    if (!iterator) return records;
    let result;
    try {
      result = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: source.batchSize - records.length }),
      );
    } catch (error) {
      // DynamoDB Local reports an iterator taken on an empty shard as trimmed once records arrive: take a
      // fresh one from the saved position (or the oldest record) on the next poll.
      if (error instanceof TrimmedDataAccessException) {
        iterators.set(shardId, await shardIterator(client, streamArn, shardId, checkpoints));
        return records;
      }
      if (!(error instanceof ExpiredIteratorException)) throw error;
      iterators.set(shardId, await shardIterator(client, streamArn, shardId, checkpoints));
      continue;
    }
    iterators.set(shardId, result.NextShardIterator ?? null);
    records.push(...(result.Records ?? []));
    if (records.length === 0 || records.length >= source.batchSize || Date.now() >= deadline) return records;
    await sleep(Math.min(STREAM_IDLE_MS, Math.max(0, deadline - Date.now())));
  }
}

/** What delivering stream records needs from its surroundings (so that the retry rules can be tested alone). */
export interface StreamDelivery {
  invoke(records: DynamoDBRecord[]): Promise<BatchResult>;
  /** The last record handled: the shard resumes after it. */
  checkpoint(sequenceNumber: string): void;
  /** Sends records whose retries ran out to the on-failure destination. */
  giveUp(records: DynamoDBRecord[]): Promise<void>;
  sleep(ms: number): Promise<void>;
}

/**
 * Lambda's stream semantics: records before a reported failure count as done; the failed one and those after
 * it are retried; a batch that throws is bisected; after retryAttempts the failing records go to the
 * on-failure destination and the shard moves on. The position is saved once a record is done.
 */
export async function deliverStreamRecords(
  source: Pick<Extract<EventSourceDeclaration, { kind: 'stream' }>, 'retryAttempts' | 'bisectBatchOnError'>,
  records: DynamoDBRecord[],
  delivery: StreamDelivery,
  state: { stopped: boolean } = { stopped: false },
): Promise<void> {
  let pending = records;
  let size = pending.length;
  let attempts = 0;
  const sequenceOf = (record: DynamoDBRecord) => record.dynamodb!.SequenceNumber!;
  while (pending.length > 0 && !state.stopped) {
    const batch = pending.slice(0, size);
    let failedAt: number;
    let threw = false;
    try {
      const result = await delivery.invoke(batch);
      const failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      const index = batch.findIndex((record) => failed.has(sequenceOf(record)));
      failedAt = index === -1 ? batch.length : index;
    } catch {
      failedAt = 0;
      threw = true;
    }
    let done = failedAt;
    if (failedAt === 0) {
      attempts++;
      if (attempts <= source.retryAttempts) {
        if (threw && source.bisectBatchOnError && size > 1) size = Math.ceil(size / 2);
        await delivery.sleep(RETRY_BACKOFF_MS * attempts);
        continue;
      }
      const failedBatch = threw ? batch : batch.slice(0, 1);
      await delivery.giveUp(failedBatch);
      done = failedBatch.length;
    }
    delivery.checkpoint(sequenceOf(pending[done - 1]!));
    pending = pending.slice(done);
    size = pending.length;
    attempts = 0;
  }
}

export function toLambdaStreamRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...rest } = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? LOCAL_AWS.region,
    dynamodb: {
      ...(rest as DynamoDBRecord['dynamodb']),
      ...(ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
    },
    eventSourceARN: streamArn,
  };
}

// ---------------------------------------------------------------- queues

/**
 * Lambda's SQS semantics: receive up to batchSize messages, invoke, delete those not reported as failed.
 * Failed ones reappear after the visibility timeout; the emulator's redrive policy moves them to the
 * dead-letter queue after maxReceiveCount receives.
 */
async function pollQueue(
  source: Extract<EventSourceDeclaration, { kind: 'queue' }>,
  env: PollerEnvironment,
  sqs: SQSClient,
  state: { stopped: boolean },
): Promise<void> {
  const queueUrl = env.queueUrls[source.queue];
  while (!state.stopped) {
    const messages: Message[] = [];
    const deadline = Date.now() + source.maxBatchingWindowSeconds * 1000;
    do {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, source.batchSize - messages.length),
          WaitTimeSeconds: messages.length === 0 ? 1 : 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      messages.push(...Messages);
      if (Messages.length === 0) break;
    } while (messages.length < source.batchSize && Date.now() < deadline);
    if (messages.length === 0) continue;
    await deliverQueueBatch(source, env, sqs, messages);
  }
}

/** Invokes the function on a batch and deletes the messages it did not report as failed. */
async function deliverQueueBatch(
  source: Extract<EventSourceDeclaration, { kind: 'queue' }>,
  env: PollerEnvironment,
  sqs: SQSClient,
  messages: Message[],
): Promise<void> {
  const queueUrl = env.queueUrls[source.queue];
  const records = messages.map((message) => toLambdaSqsRecord(message, queueUrl));
  let failed: Set<string>;
  try {
    const result = (await (env.invoke ?? invoke)(source.function, { Records: records })) as BatchResult;
    failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch (error) {
    console.error(`${source.function} failed on a batch of ${records.length}:`, error);
    return; // nothing deleted: every message comes back after its visibility timeout
  }
  const done = messages.filter((m) => !failed.has(m.MessageId!));
  for (let i = 0; i < done.length; i += 10) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: done.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

/** The fair queue's pollers: each batch comes from the feed, in turns across tenants. */
async function pollFairQueue(
  source: Extract<EventSourceDeclaration, { kind: 'queue' }>,
  env: PollerEnvironment,
  feed: FairQueueFeed,
  sqs: SQSClient,
  state: { stopped: boolean },
): Promise<void> {
  while (!state.stopped) {
    const messages = await feed.nextBatch();
    if (messages.length > 0) await deliverQueueBatch(source, env, sqs, messages);
  }
}

/** At most this many messages held by a fair queue's feed; past it, newcomers wait their turn in the queue. */
const MAX_HELD_MESSAGES = 10_000;

interface HeldMessage {
  message: Message;
  /** When its visibility was last set: it is extended at half the queue's visibility timeout. */
  hiddenAt: number;
}

/**
 * An SQS fair queue, done locally. The emulator serves a standard queue oldest first and drops MessageGroupId,
 * so a message queued behind one tenant's backlog of thousands would wait for all of them; SQS instead serves a
 * quiet tenant's message first whenever one is waiting. The feed gives the same outcome from the other side of
 * the API: before each batch it receives every message then visible (up to MAX_HELD_MESSAGES) and holds them,
 * grouped by tenant (the body's `fairBy` field, which producers also send as MessageGroupId; a message without
 * one is a tenant of its own, as on SQS), and each batch takes one message per tenant in turn. A message queued
 * behind a backlog thus goes out in the first batch after the next fill, whatever the backlog's size. This is
 * stricter than SQS, which only prefers quiet tenants once a noisy one stands out, but it is what a quiet
 * tenant sees either way.
 *
 * Held messages are in flight, as on SQS only the ones handed to the function are: the feed extends their
 * visibility while they wait (each poller fills before each batch, and a batch lasts at most the function's
 * timeout, a sixth of the visibility timeout, so the extension is never late) and hands them back on stop
 * (which counts, like a crash, as one receive against the queue's maxReceiveCount).
 */
export class FairQueueFeed {
  private readonly held = new RoundRobin<HeldMessage>();
  private filling: Promise<void> | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly declaration: QueueDeclaration,
    private readonly batchSize: number,
  ) {}

  /** The next batch: up to batchSize messages, one per tenant in turn, after taking in what has arrived. */
  async nextBatch(): Promise<Message[]> {
    // One fill at a time: pollers that ask meanwhile share it, so none hands out a batch before it is done.
    this.filling ??= this.fill().finally(() => (this.filling = undefined));
    await this.filling;
    return this.held.take(this.batchSize).map((held) => held.message);
  }

  /** Hands every held message back to the queue, visible at once. */
  async release(): Promise<void> {
    await this.setVisibility(this.held.takeAll(), 0);
  }

  /**
   * Takes in what is visible now, and no more: what arrives meanwhile waits for the next fill, so that a steady
   * stream of arrivals cannot keep the pollers from handing out work. With nothing held and nothing visible, it
   * long-polls once, as an idle Lambda poller does.
   */
  private async fill(): Promise<void> {
    await this.extendVisibility();
    const visible = await this.visibleCount();
    if (visible === 0) {
      if (this.held.size === 0) await this.receive(10, 1);
      return;
    }
    let wanted = Math.min(visible, MAX_HELD_MESSAGES - this.held.size);
    while (wanted > 0) {
      const received = await this.receive(Math.min(10, wanted), 0);
      if (received === 0) return;
      wanted -= received;
    }
  }

  private async visibleCount(): Promise<number> {
    const { Attributes } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  }

  /** Receives up to `max` messages into the held ones, by tenant; returns how many came. */
  private async receive(max: number, waitSeconds: number): Promise<number> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const now = Date.now();
    for (const message of Messages) {
      const tenant = messageGroupOf(this.declaration, message.Body ?? '') ?? `message:${message.MessageId}`;
      this.held.add(tenant, { message, hiddenAt: now });
    }
    return Messages.length;
  }

  private async extendVisibility(): Promise<void> {
    const timeoutMs = this.declaration.visibilityTimeoutSeconds * 1000;
    const due = this.held.items().filter((held) => Date.now() - held.hiddenAt >= timeoutMs / 2);
    await this.setVisibility(due, this.declaration.visibilityTimeoutSeconds);
  }

  private async setVisibility(messages: HeldMessage[], seconds: number): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((held, j) => ({
            Id: String(j),
            ReceiptHandle: held.message.ReceiptHandle!,
            VisibilityTimeout: seconds,
          })),
        }),
      );
      const now = Date.now();
      for (const held of chunk) held.hiddenAt = now;
    }
  }
}

const FIFO_ATTRIBUTES = ['MessageGroupId', 'MessageDeduplicationId', 'SequenceNumber'] as const;

export function toLambdaSqsRecord(message: Message, queueUrl: string): SQSRecord {
  const attributes = (message.Attributes ?? {}) as Record<string, string>;
  const queueName = queueUrl.split('/').at(-1)!;
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      // A FIFO queue's, as Lambda hands them over.
      ...Object.fromEntries(
        FIFO_ATTRIBUTES.filter((name) => attributes[name] !== undefined).map((name) => [
          name,
          attributes[name],
        ]),
      ),
    },
    // As Lambda hands them over: the correlation id travels here (shared/aws/sqs.ts).
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${LOCAL_AWS.region}:000000000000:${queueName}`,
    awsRegion: LOCAL_AWS.region,
  };
}
