import { startRuntime } from '../local/runtime.ts';
import { benchFanOut } from './fanout.ts';
import { benchLinks } from './links.ts';

/**
 * `npm run bench`: benchmarks on the local runtime (in memory, free ports), printing numbers.
 * ITERATIONS (300) sets the samples of the links benchmark, ADD_SAMPLES (20) those of the adds beside the
 * fan-out, and ONLY=links or ONLY=fanout runs one of them. Never part of `npm test`.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
// The benchmark sends far more than a client may; the limiter still does its one write per request.
process.env.RATE_LIMIT_PER_SECOND ??= '1000000';
process.env.RATE_LIMIT_BURST ??= '1000000';
const iterations = Number(process.env.ITERATIONS ?? 300);
const addSamples = Number(process.env.ADD_SAMPLES ?? 20);
const only = process.env.ONLY;

const runtime = await startRuntime({ port: 0, dynamoDbPort: 0, queuesPort: 0, prefix: 'bench-' });
try {
  console.log(`Delinkcious benchmarks on the local runtime`);
  if (!only || only === 'links') await benchLinks(runtime, iterations);
  if (!only || only === 'fanout') await benchFanOut(runtime, addSamples);
} finally {
  await runtime.stop();
}
