import type { LinkSearch } from './core.ts';

/**
 * The listings' search (service.ts `linkSearch`), loaded by a function's first search rather than at its cold
 * start: most listings do not search, and MiniSearch, the query language and the search core are bytes that a
 * cold start compiles whether it runs them or not (lib/bundling.ts).
 */
export async function linkSearchOnDemand(): Promise<LinkSearch> {
  const { linkSearch } = await import('./service.ts');
  return linkSearch();
}
