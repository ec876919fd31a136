import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { observeInvocations } from '../local/functions.ts';
import type { Runtime } from '../local/runtime.ts';
import { documentClient } from '../shared/aws/dynamodb.ts';
import { config } from '../shared/config.ts';
import { authorPrefix, feedPartition } from '../shared/news/dynamodb.ts';
import { countersKey } from '../shared/social/dynamodb.ts';
import { watchFeedWrites } from './cost/meters.ts';
import { currentFleet } from '../local/sdk-pools.ts';
import { login } from './fanout.ts';
import { percentile, printComparison, time } from './stats.ts';

/**
 * The hybrid fan-out on the local runtime. An author counted at 100,000 followers (above
 * NEWS_LARGE_AUTHOR_FOLLOWERS, 10,000 by default) adds links beside an author with none, each add on a quiet
 * pipeline: the add's p50 and the feed writes spent (target: at most 1.2x, and none). The fan-out of a large author reads only the follower
 * count, never the followers, so the count is set on the social table's counters item and no edges are
 * written. Then a news page of a reader who follows 5 large and 100 ordinary authors beside one of a reader who
 * follows the 100 ordinary ones only (target: at most 2x), with the DynamoDB calls each page makes.
 */
const LARGE_FOLLOWERS = 100_000;

async function post(runtime: Runtime, path: string, headers: Record<string, string>, body: unknown) {
  const response = await fetch(`${runtime.url}${path}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}`);
  await response.arrayBuffer();
}

/** The counters item says `count` followers: all the fan-out reads of a large author's audience. */
async function countFollowers(runtime: Runtime, author: string, count: number) {
  await documentClient().send(
    new UpdateCommand({
      TableName: runtime.tableNames.social,
      Key: countersKey(author),
      UpdateExpression: 'SET followers_count = :count',
      ExpressionAttributeValues: { ':count': count },
    }),
  );
}

/**
 * Counts the DynamoDB calls of the functions behind the API (a news page's own, the benchmark sending one request
 * at a time; not those of the pipeline, the link checks of the links added, which run meanwhile), and the writes
 * into readers' feeds of entries by `author`, whoever makes them (the timeline and the registry are in the same
 * table; another benchmark's fan-out may still be writing other authors' entries).
 */
function countCalls(feedsTable: string, author: string) {
  const counters = { feedWrites: 0, calls: 0 };
  const reader = feedPartition('');
  const unwatch = watchFeedWrites(documentClient(), feedsTable, ({ feedWrites }) => {
    if (currentFleet() === 'api') counters.calls++;
    // Tried, landed or not: the large author's target is that none is even sent.
    counters.feedWrites += feedWrites.filter(
      ({ pk, sk }) => pk.startsWith(reader) && sk.startsWith(authorPrefix(author)),
    ).length;
  });
  return { counters, unwatch };
}

async function newsCount(runtime: Runtime, headers: Record<string, string>): Promise<number> {
  const response = await fetch(`${runtime.url}/v1/news?limit=100`, { headers });
  return ((await response.json()) as { events: unknown[] }).events.length;
}

async function until(what: string, done: () => Promise<boolean>) {
  const started = performance.now();
  while (!(await done())) {
    if (performance.now() - started > 600_000) throw new Error(`${what}: not done in 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function benchHybridNews(runtime: Runtime, samples: number): Promise<void> {
  const { counters, unwatch } = countCalls(runtime.tableNames.feeds, 'hybrid-large');
  console.log(`\nHybrid fan-out (large above ${config().NEWS_LARGE_AUTHOR_FOLLOWERS} followers)`);

  const large = await login(runtime, 'hybrid-large');
  const alone = await login(runtime, 'hybrid-alone');
  await countFollowers(runtime, 'hybrid-large', LARGE_FOLLOWERS);
  const withLarge = { name: `POST /v1/links, ${LARGE_FOLLOWERS} followers`, samples: [] as number[] };
  const withNone = { name: 'POST /v1/links, 0 followers', samples: [] as number[] };
  const writesBefore = counters.feedWrites;
  // Each add is timed on a quiet pipeline: the consumers of the one before (its fan-out, its search index update)
  // run in this process, as deployed they would not, and would otherwise land on whichever add came next.
  let invocations = 0;
  const stopObserving = observeInvocations(() => invocations++);
  const quiet = async () => {
    for (let seen = -1; seen !== counters.calls + invocations;) {
      seen = counters.calls + invocations;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  for (let i = 0; i < samples + 5; i++) {
    for (const [headers, row] of [
      [large, withLarge],
      [alone, withNone],
    ] as const) {
      await quiet();
      const took = await time(() =>
        post(runtime, '/v1/links', headers, { url: `https://example.com/h/${row.name.length}/${i}` }),
      );
      if (i >= 5) row.samples.push(took);
    }
  }
  await quiet(); // the fan-out of the last adds
  stopObserving();
  printComparison('Adding a link as a large author (each on a quiet pipeline)', withLarge, [withNone]);
  console.log(
    `  p50 ratio ${(percentile(withLarge.samples, 50) / percentile(withNone.samples, 50)).toFixed(2)} (target <= 1.2); feed writes for the large author's ${samples + 5} adds: ${counters.feedWrites - writesBefore} (target 0)`,
  );

  // A reader of 5 large and 100 ordinary authors, and one of the 100 ordinary ones only.
  const hybridReader = await login(runtime, 'hybrid-reader');
  const pushedReader = await login(runtime, 'pushed-reader');
  const ordinary = Array.from({ length: 100 }, (_, i) => `ordinary-${String(i).padStart(3, '0')}`);
  const famous = Array.from({ length: 5 }, (_, i) => `famous-${i}`);
  for (const author of famous) await countFollowers(runtime, author, LARGE_FOLLOWERS);
  for (const author of [...ordinary, ...famous]) {
    const headers = await login(runtime, author);
    await post(runtime, '/v1/following', hybridReader, { username: author });
    if (ordinary.includes(author)) await post(runtime, '/v1/following', pushedReader, { username: author });
    // The counters item was set above; the follows add to it.
    for (let n = 0; n < (ordinary.includes(author) ? 1 : 10); n++)
      await post(runtime, '/v1/links', headers, { url: `https://example.com/${author}/${n}` });
  }
  await until(
    'the pushed reader has 100 events',
    async () => (await newsCount(runtime, pushedReader)) >= 100,
  );
  await until(
    'the hybrid reader has 100 events',
    async () => (await newsCount(runtime, hybridReader)) >= 100,
  );

  const hybridPage = { name: 'GET /v1/news, 5 large + 100 ordinary', samples: [] as number[] };
  const pushedPage = { name: 'GET /v1/news, 100 ordinary (pushed only)', samples: [] as number[] };
  const calls = { hybrid: 0, pushed: 0 };
  for (let i = 0; i < samples * 5 + 5; i++) {
    for (const [headers, row, key] of [
      [hybridReader, hybridPage, 'hybrid'],
      [pushedReader, pushedPage, 'pushed'],
    ] as const) {
      const before = counters.calls;
      const took = await time(async () => {
        const response = await fetch(`${runtime.url}/v1/news?limit=20`, { headers });
        if (response.status !== 200) throw new Error(`GET /v1/news answered ${response.status}`);
        await response.arrayBuffer();
      });
      if (i >= 5) row.samples.push(took);
      if (i === 5) calls[key] = counters.calls - before;
    }
  }
  printComparison('A page of news, 20 events', hybridPage, [pushedPage]);
  console.log(
    `  p50 ratio ${(percentile(hybridPage.samples, 50) / percentile(pushedPage.samples, 50)).toFixed(2)} (target <= 2); DynamoDB calls per page, with the gate's: ${calls.hybrid} beside ${calls.pushed}`,
  );
  unwatch();
}
