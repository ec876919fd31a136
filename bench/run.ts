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
 * fan-out, CHECK_BACKLOG (2000) the checks queued ahead in the checker's fairness benchmark, REGEX_REQUESTS
 * (200) the listings per pattern of the regex budget, ERASURE_LINKS (10000) and ERASURE_FOLLOWERS (1000) the
 * account that the erasure benchmark deletes, IMPORT_BOOKMARKS (10000) the bookmarks of the import, and
 * SEARCH_LINKS (10000) the links of the search core's index, SEARCH_HTTP_LINKS (1000) those added through the
 * API for search over HTTP, and ONLY=links, ONLY=public, ONLY=fanout, ONLY=hybrid,
 * ONLY=fairness, ONLY=erasure, ONLY=import, ONLY=regex, ONLY=parsers, ONLY=search or ONLY=search-http runs one
 * of them. Never part of `npm test`.
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

// The links benchmark's own process (see below) has its parent's heading.
if (!process.env.BENCH_PARENT) console.log(`Delinkcious benchmarks on the local runtime`);
if (!only) {
  // The links benchmark in a process of its own: as in a Lambda instance, the functions' clients and services are
  // made once per process, for the engines and tables of the runtime they first ran against, and the runtime
  // below has engines of its own.
  const links = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, ONLY: 'links', BENCH_PARENT: String(process.pid) },
    stdio: 'inherit',
  });
  if (links.status !== 0) throw new Error(`the links benchmark failed (exit ${links.status})`);
}
if (only === 'links') {
  // The request path alone. Deployed, the stream and queue consumers (search index, news, checks) run in
  // instances of their own; the local runtime would run them in this process, between the requests measured.
  const runtime = await startRuntime({
    port: 0,
    dynamoDbPort: 0,
    queuesPort: 0,
    prefix: 'bench-links-',
    pollers: false,
  });
  try {
    await benchLinks(runtime, iterations);
  } finally {
    await runtime.stop();
  }
}
if (!only || ['public', 'fanout', 'hybrid', 'fairness', 'erasure', 'import', 'search-http'].includes(only)) {
  const runtime = await startRuntime({ port: 0, dynamoDbPort: 0, queuesPort: 0, prefix: 'bench-' });
  try {
    if (!only || only === 'public') await benchPublic(runtime, iterations);
    if (!only || only === 'fanout') await benchFanOut(runtime, addSamples);
    if (!only || only === 'hybrid') await benchHybridNews(runtime, addSamples);
    if (!only || only === 'fairness') await benchCheckerFairness(runtime, checkBacklog);
    if (!only || only === 'erasure') await benchErasure(runtime, erasureSizes);
    if (!only || only === 'import') await benchImport(runtime, importBookmarks);
    if (!only || only === 'search-http') await benchSearchHttp(runtime, searchHttpLinks, iterations);
  } finally {
    await runtime.stop();
  }
}
// On the links core alone: no runtime needed.
if (!only || only === 'regex') await benchRegexBudget(regexRequests);
if (!only || only === 'parsers') benchParsers();
if (!only || only === 'search') await benchSearch(searchLinks);
