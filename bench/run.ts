import './environment.ts';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRuntime } from '../local/runtime.ts';
import { benchCheckerFairness } from './checker-fairness.ts';
import { benchErasure } from './erasure.ts';
import { benchFanOut } from './fanout.ts';
import { benchHybridNews } from './hybrid-news.ts';
import { benchImport } from './imports.ts';
import { benchLinks } from './links.ts';
import { benchParsers } from './parsers.ts';
import { benchPublic } from './public.ts';
import { benchRegexBudget } from './regex.ts';
import { benchSearch } from './search.ts';
import { benchSearchHttp } from './search-http.ts';

/**
 * `npm run bench`: benchmarks on the local runtime (in memory, free ports), printing numbers.
 * ITERATIONS (300) sets the samples of the links benchmark, ADD_SAMPLES (20) those of the adds beside the
 * fan-out, FANOUT_ROUNDS (3) the fan-outs to 10,000 followers, each beside its own raw write, CHECK_BACKLOG (2000) the checks queued ahead in the checker's fairness benchmark, REGEX_REQUESTS
 * (200) the listings per pattern of the regex budget, ERASURE_LINKS (10000) and ERASURE_FOLLOWERS (1000) the
 * account that the erasure benchmark deletes, IMPORT_BOOKMARKS (10000) the bookmarks of the import, and
 * SEARCH_LINKS (10000) the links of the search core's index, SEARCH_HTTP_LINKS (1000) those added through the
 * API for search over HTTP, and ONLY=links, ONLY=public, ONLY=fanout, ONLY=hybrid,
 * ONLY=fairness, ONLY=erasure, ONLY=import, ONLY=regex, ONLY=parsers, ONLY=search or ONLY=search-http runs one
 * of them. The whole run runs each in a process of its own, on a runtime and engines of its own. Never part of
 * `npm test`.
 */
const iterations = Number(process.env.ITERATIONS ?? 300);
const addSamples = Number(process.env.ADD_SAMPLES ?? 20);
const checkBacklog = Number(process.env.CHECK_BACKLOG ?? 2000);
const regexRequests = Number(process.env.REGEX_REQUESTS ?? 200);
const erasureSizes = {
  links: Number(process.env.ERASURE_LINKS ?? 10_000),
  followers: Number(process.env.ERASURE_FOLLOWERS ?? 1000),
  following: 50,
  snapshots: 100,
};
const importBookmarks = Number(process.env.IMPORT_BOOKMARKS ?? 10_000);
const searchLinks = Number(process.env.SEARCH_LINKS ?? 10_000);
const searchHttpLinks = Number(process.env.SEARCH_HTTP_LINKS ?? 1000);
const only = process.env.ONLY;

/** The parts of the whole run, in order. */
const PARTS = [
  'links',
  'public',
  'fanout',
  'hybrid',
  'fairness',
  'erasure',
  'import',
  'search-http',
  'regex',
  'parsers',
  'search',
] as const;
type Part = (typeof PARTS)[number];

// Each part's own process (see below) has its parent's heading.
if (!process.env.BENCH_PARENT) console.log(`Delinkcious benchmarks on the local runtime`);
if (!only) {
  // Each part in a process of its own, on engines of its own:
  // - as in a Lambda instance, the functions' clients and services are made once per process, for the engines
  //   and tables of the runtime they first ran against;
  // - DynamoDB Local slows down as it holds more (some 200,000 feed entries and a 6 GB process after the fan-out
  //   parts) where DynamoDB does not: on the data of the parts before it, the erasure took 3.6x its raw deletes,
  //   against 1.9x to 2.1x on engines of its own. Each part's ratios are still measured side by side.
  for (const part of PARTS) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, ONLY: part, BENCH_PARENT: String(process.pid) },
      stdio: 'inherit',
    });
    if (child.status !== 0) throw new Error(`the ${part} benchmark failed (exit ${child.status})`);
  }
} else if (!(PARTS as readonly string[]).includes(only)) {
  throw new Error(`ONLY=${only} is no benchmark; the parts are ${PARTS.join(', ')}.`);
} else {
  await runPart(only as Part);
}

async function runPart(part: Part): Promise<void> {
  if (part === 'regex') return benchRegexBudget(regexRequests);
  if (part === 'parsers') return benchParsers();
  if (part === 'search') return benchSearch(searchLinks);
  // The links part measures the request path alone. Deployed, the stream and queue consumers (search index, news,
  // checks) run in instances of their own; the local runtime would run them in this process, between the requests
  // measured.
  const runtime = await startRuntime({
    port: 0,
    dynamoDbPort: 0,
    queuesPort: 0,
    prefix: `bench-${part}-`,
    pollers: part !== 'links',
  });
  try {
    if (part === 'links') await benchLinks(runtime, iterations);
    if (part === 'public') await benchPublic(runtime, iterations);
    if (part === 'fanout') await benchFanOut(runtime, addSamples);
    if (part === 'hybrid') await benchHybridNews(runtime, addSamples);
    if (part === 'fairness') await benchCheckerFairness(runtime, checkBacklog);
    if (part === 'erasure') await benchErasure(runtime, erasureSizes);
    if (part === 'import') await benchImport(runtime, importBookmarks);
    if (part === 'search-http') await benchSearchHttp(runtime, searchHttpLinks, iterations);
  } finally {
    await runtime.stop();
  }
}
