import { startRuntime } from '../local/runtime.ts';
import { benchFanOut } from './fanout.ts';
import { benchLinks } from './links.ts';
import { benchRegexBudget } from './regex.ts';

/**
 * `npm run bench`: benchmarks on the local runtime (in memory, free ports), printing numbers.
 * ITERATIONS (300) sets the samples of the links benchmark, ADD_SAMPLES (20) those of the adds beside the
 * fan-out, REGEX_REQUESTS (200) the listings per pattern of the regex budget, and ONLY=links, ONLY=fanout or
 * ONLY=regex runs one of them. Never part of `npm test`.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
// The benchmark sends far more than a client may; the limiter still does its one write per request.
process.env.RATE_LIMIT_PER_SECOND ??= '1000000';
process.env.RATE_LIMIT_BURST ??= '1000000';
const iterations = Number(process.env.ITERATIONS ?? 300);
const addSamples = Number(process.env.ADD_SAMPLES ?? 20);
const regexRequests = Number(process.env.REGEX_REQUESTS ?? 200);
const only = process.env.ONLY;

console.log(`Delinkcious benchmarks on the local runtime`);
if (!only || only === 'links' || only === 'fanout') {
  const runtime = await startRuntime({ port: 0, dynamoDbPort: 0, queuesPort: 0, prefix: 'bench-' });
  try {
    if (!only || only === 'links') await benchLinks(runtime, iterations);
    if (!only || only === 'fanout') await benchFanOut(runtime, addSamples);
  } finally {
    await runtime.stop();
  }
}
// On the links core alone: no runtime needed.
if (!only || only === 'regex') await benchRegexBudget(regexRequests);
