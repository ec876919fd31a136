import type * as deployed from '../../shared/tracing.ts';

/**
 * shared/tracing.ts without Powertools Tracer, for the bundle benchmark (bench/bundles.ts bundles a function with
 * this module in its place): the same exports, typed by the deployed ones, doing only what the callers need.
 */
export const traced: typeof deployed.traced = (client) => client;
export const inHandlerSegment: typeof deployed.inHandlerSegment = (_name, work) => work();
export const inRecordSegment: typeof deployed.inRecordSegment = (work) => work();
