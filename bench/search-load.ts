import { readFileSync } from 'node:fs';
import { LinkSearchIndex } from '../shared/search/index.ts';
import { parseQuery } from '../shared/search/query.ts';
import { QUERY_SHAPES } from './search.ts';
import { percentile } from './stats.ts';

/**
 * A cold search function, in a process of its own (run with --expose-gc): loads the index written by
 * bench/search.ts (argv: its file), prints the load time, the memory once loaded, the first search and the warm
 * p50 of each query shape.
 */
const WARM_SAMPLES = 30;
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const collect = () => (globalThis as { gc?: () => void }).gc?.();

collect();
const base = process.memoryUsage();
const { index, loadMs, loadCpuMs } = load(process.argv[2]!);
collect();
const loaded = process.memoryUsage();
console.log(
  `  load (fromJSON) ${Math.round(loadMs)} ms wall, ${Math.round(loadCpuMs)} ms CPU; ` +
    `once loaded: rss ${mb(loaded.rss)}, heapUsed ${mb(loaded.heapUsed)} (the index: ` +
    `${mb(loaded.heapUsed - base.heapUsed)}); peak rss during the load ${mb(process.resourceUsage().maxRSS * 1024)}`,
);

let first = true;
for (const [name, q] of QUERY_SHAPES) {
  const query = parseQuery(q);
  const samples: number[] = [];
  let results = 0;
  for (let i = 0; i < WARM_SAMPLES + 1; i++) {
    const searchStarted = performance.now();
    results = index.search(query, { publicOnly: false }).length;
    const ms = performance.now() - searchStarted;
    if (i === 0 && first) console.log(`  first search after the load: ${ms.toFixed(1)} ms (${name})`);
    if (i > 0) samples.push(ms);
  }
  first = false;
  console.log(
    `  ${name.padEnd(34)} ${q.padEnd(44)} ${String(results).padStart(6)} results   ` +
      `p50 ${percentile(samples, 50).toFixed(2).padStart(7)} ms   p99 ${percentile(samples, 99).toFixed(2).padStart(7)} ms`,
  );
}
const publicOnly: number[] = [];
const common = parseQuery(QUERY_SHAPES[3]![1]);
for (let i = 0; i < WARM_SAMPLES; i++) {
  const searchStarted = performance.now();
  index.search(common, { publicOnly: true });
  publicOnly.push(performance.now() - searchStarted);
}
console.log(
  `  the common word with publicOnly                         p50 ${percentile(publicOnly, 50).toFixed(2)} ms`,
);
console.log(`  peak rss of the process: ${mb(process.resourceUsage().maxRSS * 1024)}`);

/** Reads and loads the index; the file's text is garbage once this returns. */
function load(file: string): { index: LinkSearchIndex; loadMs: number; loadCpuMs: number } {
  const json = readFileSync(file, 'utf8');
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const index = LinkSearchIndex.fromJSON(json);
  const used = process.cpuUsage(startedCpu);
  return { index, loadMs: performance.now() - started, loadCpuMs: (used.user + used.system) / 1000 };
}
