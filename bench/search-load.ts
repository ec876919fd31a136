import { readFileSync } from 'node:fs';
import { LinkSearchIndex } from '../shared/search/index.ts';
import { parseQuery, type Query } from '../shared/search/query.ts';
import { QUERY_SHAPES } from './search.ts';
import { percentile } from './stats.ts';

/**
 * A cold search function, in a process of its own (run with --expose-gc): loads the index written by
 * bench/search.ts (argv: the stored form's file), prints the load time, the memory once loaded, the first search
 * and the warm p50 of each query shape. With `--json`, the file is MiniSearch's JSON (the stored form of
 * INDEX_FORMAT 2) and only its load is measured, for comparison.
 */
const WARM_SAMPLES = 30;
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const collect = () => (globalThis as { gc?: () => void }).gc?.();

collect();
const base = process.memoryUsage();
const asJson = process.argv[3] === '--json';
const { index, loadMs, loadCpuMs } = load(process.argv[2]!);
collect();
const loaded = process.memoryUsage();
console.log(
  `  load (${asJson ? "MiniSearch's JSON, INDEX_FORMAT 2" : 'the stored form'}) ${Math.round(loadMs)} ms wall, ` +
    `${Math.round(loadCpuMs)} ms CPU; ` +
    `once loaded: rss ${mb(loaded.rss)}, heapUsed ${mb(loaded.heapUsed)} (the index: ` +
    `${mb(loaded.heapUsed - base.heapUsed)}); peak rss during the load ${mb(process.resourceUsage().maxRSS * 1024)}`,
);

/** One search: its wall time and its CPU time (on a shared machine the wall time also counts waits for a core). */
function timed(query: Query, publicOnly: boolean): { ms: number; cpuMs: number; results: number } {
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const results = index.search(query, { publicOnly }).length;
  const used = process.cpuUsage(startedCpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, results };
}

function report(name: string, q: string, publicOnly: boolean): void {
  const query = parseQuery(q);
  const wall: number[] = [];
  const cpu: number[] = [];
  let results = 0;
  for (let i = 0; i < WARM_SAMPLES; i++) {
    const sample = timed(query, publicOnly);
    results = sample.results;
    wall.push(sample.ms);
    cpu.push(sample.cpuMs);
  }
  const p = (samples: number[], at: number) => percentile(samples, at).toFixed(1).padStart(6);
  console.log(
    `  ${name.padEnd(34)} ${q.padEnd(44)} ${String(results).padStart(6)} results   ` +
      `CPU p50 ${p(cpu, 50)} ms   wall p50 ${p(wall, 50)} p99 ${p(wall, 99)} ms`,
  );
}

if (asJson) process.exit(0);

const [firstName, firstQ] = QUERY_SHAPES[0]!;
console.log(
  `  first search after the load: ${timed(parseQuery(firstQ), false).ms.toFixed(1)} ms (${firstName}); ` +
    `first of the common word (every page): ${timed(parseQuery(QUERY_SHAPES[3]![1]), false).ms.toFixed(1)} ms`,
);
// Warm: every shape a few times, so that no row pays for compiling the code the others share.
for (let round = 0; round < 5; round++) for (const [, q] of QUERY_SHAPES) timed(parseQuery(q), false);
for (const [name, q] of QUERY_SHAPES) report(name, q, false);
report('the common word, publicOnly', QUERY_SHAPES[3]![1], true);
console.log(`  peak rss of the process: ${mb(process.resourceUsage().maxRSS * 1024)}`);

/** Reads and loads the index; the JSON's text is garbage once this returns (the stored form's bytes are kept). */
function load(file: string): { index: LinkSearchIndex; loadMs: number; loadCpuMs: number } {
  const contents = asJson ? readFileSync(file, 'utf8') : readFileSync(file);
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const index =
    typeof contents === 'string'
      ? LinkSearchIndex.fromMiniSearchJSON(contents)
      : LinkSearchIndex.fromBytes(contents);
  const used = process.cpuUsage(startedCpu);
  return { index, loadMs: performance.now() - started, loadCpuMs: (used.user + used.system) / 1000 };
}
