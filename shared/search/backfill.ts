/** Where the backfill sends its requests: one rebuild request per user, in that user's FIFO group. */
export interface RebuildRequests {
  requestAll(usernames: readonly string[]): Promise<void>;
}

export interface BackfillOptions {
  /** Skip the owners listed before this one (it included): where an interrupted run printed it stopped. */
  from?: string | undefined;
  /** Told after each page of owners: how many were requested so far, and the last one. */
  progress?: (requested: number, last: string) => void;
}

/**
 * Asks for the search index of every owner to be built if it is missing or outdated (scripts/backfill-search.ts):
 * one request per owner, a page of the owners' listing at a time. Sending again is harmless: the updater does
 * nothing for an index already current, and the queue drops a request sent twice within 5 minutes.
 * Returns how many owners were requested.
 */
export async function requestSearchRebuilds(
  owners: AsyncIterable<readonly string[]>,
  rebuilds: RebuildRequests,
  { from, progress }: BackfillOptions = {},
): Promise<number> {
  let skipping = from !== undefined;
  let requested = 0;
  for await (const page of owners) {
    const start = skipping ? page.indexOf(from!) : 0;
    if (start === -1) continue;
    skipping = false;
    const batch = page.slice(start);
    if (batch.length === 0) continue;
    await rebuilds.requestAll(batch);
    requested += batch.length;
    progress?.(requested, batch.at(-1)!);
  }
  return requested;
}
