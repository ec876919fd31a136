import { ScanCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Runtime } from '../local/runtime.ts';
import { documentClient } from '../shared/aws/dynamodb.ts';
import { sqsClient } from '../shared/aws/sqs.ts';
import { followToItem } from '../shared/social/dynamodb.ts';
import { percentile, printComparison, time } from './stats.ts';

/**
 * The news fan-out on the local runtime. For authors with 1, 100 and 10,000 followers: the feed writes (one
 * conditional UpdateItem per follower at least), the follow checks after them (BatchGetItem, one per 100
 * followers at least) and the SQS messages the pipeline spent, and the time until the last follower has the
 * event. Then POST /v1/links for an author with 10,000 followers beside one with none,
 * interleaved in the same run while the fan-out of the earlier adds is still running.
 */

interface Counters {
  feedWrites: number;
  followChecks: number;
  messages: number;
  /** Every DynamoDB call of the process, to tell when the pipeline has gone quiet. */
  calls: number;
}

/** Counts the calls the functions make, by watching the process-wide clients they share. */
function countCalls(pipelineQueues: string[], feedsTable: string): Counters {
  const counters = { feedWrites: 0, followChecks: 0, messages: 0, calls: 0 };
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      counters.calls++;
      const input = args.input as { TableName?: string };
      // The document client's commands reach this stack under the low-level names (UpdateItemCommand, ...).
      const command = context.commandName ?? '';
      if (/^Update/.test(command) && input.TableName === feedsTable) counters.feedWrites++;
      if (/^BatchGet/.test(command)) counters.followChecks++;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountFeedWrites' },
  );
  sqsClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Entries?: unknown[]; QueueUrl?: string };
      if (!pipelineQueues.includes(input.QueueUrl ?? '')) return next(args);
      if (context.commandName === 'SendMessageBatchCommand') counters.messages += input.Entries?.length ?? 0;
      if (context.commandName === 'SendMessageCommand') counters.messages++;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountMessages' },
  );
  return counters;
}

export async function login(runtime: Runtime, username: string): Promise<Record<string, string>> {
  const response = await fetch(`${runtime.url}/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  const { access_token: token } = (await response.json()) as { access_token: string };
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

/** Follow edges written straight into the social table, 25 per call: setup, not what is measured. */
async function addFollowers(db: DynamoDBDocumentClient, table: string, author: string, count: number) {
  const since = new Date().toISOString();
  for (let i = 0; i < count; i += 25) {
    const items = Array.from({ length: Math.min(25, count - i) }, (_, j) =>
      followToItem({ follower: `${author}-fan-${String(i + j).padStart(5, '0')}`, followed: author, since }),
    );
    await db.send(
      new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) } }),
    );
  }
}

/** Waits until the functions have made no DynamoDB call for a while (the follow backfills are done). */
async function quiet(counters: Counters, forMs = 2000): Promise<void> {
  for (let last = -1; last !== counters.calls;) {
    last = counters.calls;
    await new Promise((done) => setTimeout(done, forMs));
  }
}

async function feedEntriesFor(db: DynamoDBDocumentClient, table: string, url: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: '#url = :url',
        ExpressionAttributeNames: { '#url': 'url' },
        ExpressionAttributeValues: { ':url': url },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

export async function benchFanOut(runtime: Runtime, addSamples: number): Promise<void> {
  const db = documentClient();
  const counters = countCalls(
    [runtime.queueUrls.feedWrites, runtime.queueUrls.fanOut],
    runtime.tableNames.feeds,
  );
  console.log('\nFan-out of one link_added event');
  console.log(
    '  followers  feed writes (min)  follow checks (min)  SQS messages  until the last follower has it',
  );
  for (const followers of [1, 100, 10_000]) {
    const author = `author${followers}`;
    const headers = await login(runtime, author);
    await addFollowers(db, runtime.tableNames.social, author, followers);
    // New followers get a backfill of the author's recent links; let that finish so it is not counted.
    await quiet(counters);
    const before = { ...counters };
    const url = `https://example.com/fanout/${followers}`;
    const started = performance.now();
    const response = await fetch(`${runtime.url}/v1/links`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url }),
    });
    if (response.status !== 201) throw new Error(`POST answered ${response.status}`);
    while ((await feedEntriesFor(db, runtime.tableNames.feeds, url)) < followers) {
      if (performance.now() - started > 600_000) throw new Error('fan-out did not finish in 10 minutes');
      await new Promise((done) => setTimeout(done, 100));
    }
    const elapsed = performance.now() - started;
    const writes = counters.feedWrites - before.feedWrites;
    const checks = counters.followChecks - before.followChecks;
    const messages = counters.messages - before.messages;
    console.log(
      `  ${String(followers).padStart(9)}  ${String(writes).padStart(11)} (${followers})  ${String(checks).padStart(13)} (${Math.ceil(followers / 100)})  ${String(messages).padStart(12)}  ${(elapsed / 1000).toFixed(2)} s`,
    );
  }

  // Adds by an author with 10,000 followers beside adds by one with none, alternating.
  const famous = await login(runtime, 'author10000');
  const unknown = await login(runtime, 'nobody-follows');
  const withFollowers = { name: 'POST /v1/links, 10,000 followers', samples: [] as number[] };
  const withoutFollowers = { name: 'POST /v1/links, 0 followers', samples: [] as number[] };
  for (let i = 0; i < addSamples + 5; i++) {
    for (const [headers, row] of [
      [famous, withFollowers],
      [unknown, withoutFollowers],
    ] as const) {
      const took = await time(async () => {
        const response = await fetch(`${runtime.url}/v1/links`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ url: `https://example.com/add/${row.samples.length}/${i}` }),
        });
        if (response.status !== 201) throw new Error(`POST answered ${response.status}`);
        await response.arrayBuffer();
      });
      if (i >= 5) row.samples.push(took);
    }
  }
  printComparison('Adding a link does not wait for the fan-out', withFollowers, [withoutFollowers]);
  console.log(
    `  (the fan-out of these adds ran in the background: ${counters.feedWrites} feed writes so far; p50 ratio ${(
      percentile(withFollowers.samples, 50) / percentile(withoutFollowers.samples, 50)
    ).toFixed(2)})`,
  );
}
