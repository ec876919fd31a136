import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { LOCAL_AWS_AS_FUNCTIONS } from '../local/engines.ts';
import type { Runtime } from '../local/runtime.ts';
import { documentClient } from '../shared/aws/dynamodb.ts';
import { withoutSdkLogger } from '../shared/aws/transport.ts';
import { TOKENS_PER_CLAIM } from '../shared/http/rate-limit.ts';
import { publicLinksFeed } from '../shared/links/feeds.ts';
import { linkFromItem, linkToItem, PUBLIC_LINKS, userPartition } from '../shared/links/table.ts';
import { aLink } from '../test/support/builders.ts';
import { percentile, printComparison, time } from './stats.ts';

const WARMUP = 30;
const LINKS = 10_000;
/** One link in ten is public. */
const PUBLIC_EVERY = 10;
const PAGE = 10;
const FEED_ENTRIES = 50;

/** The DynamoDB calls the functions make, by table and command, watched on the process-wide client they share. */
function countCalls(): Map<string, number> {
  const calls = new Map<string, number>();
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const table = (args.input as { TableName?: string }).TableName ?? '(batch)';
      const key = `${table} ${context.commandName ?? ''}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchCountPublicCalls' },
  );
  return calls;
}

/** Waits until the functions made no DynamoDB call for two seconds (the stream pollers are done), at most two minutes. */
async function quiet(calls: Map<string, number>): Promise<void> {
  const total = () => [...calls.values()].reduce((sum, count) => sum + count, 0);
  const deadline = Date.now() + 120_000;
  let last = -1;
  while (total() !== last && Date.now() < deadline) {
    last = total();
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/**
 * The public side on a user with 10,000 links of which 1,000 are public: a page of GET /v1/users/{username}/links
 * and the Atom feed (50 entries), against the bare strongly consistent Query of the same page on the sparse local
 * index, and against the bare calls a request that claims needs one after the other (the rate limiter's
 * UpdateItem, then the Query), interleaved so that all see the same machine noise. It counts the DynamoDB requests each page
 * makes, and times the feed's XML generation alone.
 */
export async function benchPublic(runtime: Runtime, iterations: number): Promise<void> {
  const db = DynamoDBDocumentClient.from(
    // The functions' client configuration (shared/aws/transport.ts).
    withoutSdkLogger(new DynamoDBClient({ ...LOCAL_AWS_AS_FUNCTIONS, endpoint: runtime.dynamoDbEndpoint })),
  );
  const username = 'publisher';
  const login = await fetch(`${runtime.url}/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (login.status !== 200) throw new Error(`dev login answered ${login.status}`);
  // Counted from here: the stream pollers then handle the links written below, and go quiet before any request.
  const calls = countCalls();
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  const items = Array.from({ length: LINKS }, (_, i) => {
    const at = new Date(start + i * 60_000).toISOString();
    return linkToItem(
      aLink({
        username,
        url: `https://example.com/public-bench/${i}`,
        title: `Page ${i}`,
        tags: ['bench'],
        private: i % PUBLIC_EVERY !== 0,
        created_at: at,
        updated_at: at,
      }),
    );
  });
  for (let i = 0; i < items.length; i += 25) {
    await db.send(
      new BatchWriteCommand({
        RequestItems: {
          [runtime.tableNames.links]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
  }

  const query = (limit: number) =>
    db.send(
      new QueryCommand({
        TableName: runtime.tableNames.links,
        IndexName: PUBLIC_LINKS,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': userPartition(username) },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: limit,
      }),
    );
  /**
   * A stand-in for the rate limiter's claim, one conditional write, on an item of the benchmark's own (a client
   * IP's requests spent from a claim cost no call at all).
   */
  const limiterWrite = () =>
    db.send(
      new UpdateCommand({
        TableName: runtime.tableNames.users,
        Key: { pk: 'BENCH#public', sk: 'BENCH#public' },
        UpdateExpression: 'SET tat = if_not_exists(tat, :zero) + :one',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
      }),
    );
  const fetchOk = async (path: string) => {
    const response = await fetch(`${runtime.url}${path}`);
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    await response.arrayBuffer();
  };

  await quiet(calls);
  const listingPath = `/v1/users/${username}/links?limit=${PAGE}`;
  const feedPath = `/users/${username}/feed.atom`;
  // Over as many requests as the rate limiter claims a write: a client IP's others cost it no call.
  const callsOf = async (path: string) => {
    calls.clear();
    for (let i = 0; i < TOKENS_PER_CLAIM; i++) await fetchOk(path);
    return [...calls.entries()].map(([key, count]) => `${count} × ${key}`).join(', ');
  };
  const listingCalls = await callsOf(listingPath);
  const feedCalls = await callsOf(feedPath);

  const listing = { name: `GET /v1/users/{username}/links?limit=${PAGE} (HTTP)`, samples: [] as number[] };
  const feed = {
    name: `GET /users/{username}/feed.atom, ${FEED_ENTRIES} entries (HTTP)`,
    samples: [] as number[],
  };
  const bareQuery = { name: `bare Query of byPublic, ${PAGE + 1} items`, samples: [] as number[] };
  const bareSequence = { name: `bare UpdateItem, then that Query`, samples: [] as number[] };
  const bareFeedQuery = {
    name: `bare Query of byPublic, ${FEED_ENTRIES + 1} items`,
    samples: [] as number[],
  };
  const bareFeedSequence = { name: `bare UpdateItem, then that Query`, samples: [] as number[] };
  // The local runtime's floor for a public route: HTTP, the Lambda event, the gate's limiter.
  const healthz = { name: 'GET /healthz (HTTP: the runtime and the limiter alone)', samples: [] as number[] };
  for (let i = 0; i < WARMUP + iterations; i++) {
    const samples = [
      await time(() => fetchOk(listingPath)),
      await time(() => fetchOk(feedPath)),
      await time(() => query(PAGE + 1)),
      await time(async () => limiterWrite().then(() => query(PAGE + 1))),
      await time(() => query(FEED_ENTRIES + 1)),
      await time(async () => limiterWrite().then(() => query(FEED_ENTRIES + 1))),
      await time(() => fetchOk('/healthz')),
    ];
    if (i < WARMUP) continue;
    [listing, feed, bareQuery, bareSequence, bareFeedQuery, bareFeedSequence, healthz].forEach((row, n) =>
      row.samples.push(samples[n]!),
    );
  }

  // The feed's own CPU: the Atom document of the same 50 links, built from the items in memory.
  const newest = (await query(FEED_ENTRIES)).Items!.map(linkFromItem);
  const author = { username, name: 'Publisher', avatar_url: null, created_at: new Date(start).toISOString() };
  const xml: number[] = [];
  for (let i = 0; i < WARMUP + iterations; i++) {
    const took = await time(async () => publicLinksFeed(author, newest, 'http://localhost:3000'));
    if (i >= WARMUP) xml.push(took);
  }

  console.log(
    `\nPublic side: ${LINKS} links, ${LINKS / PUBLIC_EVERY} public. DynamoDB requests of ${TOKENS_PER_CLAIM} requests, counted:` +
      `\n  listing pages: ${listingCalls}\n  feeds:         ${feedCalls}`,
  );
  printComparison('Public listing page', listing, [bareQuery, bareSequence, healthz]);
  printComparison('Public Atom feed', feed, [bareFeedQuery, bareFeedSequence]);
  console.log(
    `\nAtom XML of ${FEED_ENTRIES} entries (publicLinksFeed alone): p50 ${percentile(xml, 50).toFixed(2)} ms, ` +
      `p99 ${percentile(xml, 99).toFixed(2)} ms`,
  );
  db.destroy();
}
