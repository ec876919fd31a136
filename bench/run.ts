import { startRuntime } from '../local/runtime.ts';
import { benchLinks } from './links.ts';

/**
 * `npm run bench`: benchmarks on the local runtime (in memory, free ports), printing numbers.
 * ITERATIONS (default 300) sets the samples per measurement. Never part of `npm test`.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const iterations = Number(process.env.ITERATIONS ?? 300);

const runtime = await startRuntime({ port: 0, dynamoDbPort: 0, queuesPort: 0, prefix: 'bench-' });
try {
  console.log(`Delinkcious benchmarks on the local runtime (${iterations} samples each, after warm-up)`);
  await benchLinks(runtime, iterations);
} finally {
  await runtime.stop();
}
