import type * as deployed from '../../shared/metrics.ts';

/**
 * shared/metrics.ts without Powertools Metrics, for the bundle benchmark (bench/bundles.ts bundles a function with
 * this module in its place): the functions that emit metrics, typed by the deployed ones, doing nothing. (The
 * list of metrics and its dimensions, which only the CDK app reads, are left out.)
 */
export const emit: typeof deployed.emit = () => undefined;
export const emitBy: typeof deployed.emitBy = () => undefined;
export const publishMetrics: typeof deployed.publishMetrics = () => undefined;
export const resetMetricsForTests: typeof deployed.resetMetricsForTests = () => undefined;
