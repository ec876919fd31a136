/** One page of a listing, as every paged route of the API answers it. */
export interface Page<T> {
  items: T[];
  nextToken: string | null;
}

/** Pages read on past empty ones before one is shown: the token moves on each time, so this only bounds the wait. */
const EMPTY_PAGES_READ_PAST = 5;

/**
 * A page to show: the API may answer an empty page that still goes on (links made private or deleted a moment
 * ago are left out of news and public listings), so the pages after it are read until one holds something, the
 * list ends, or EMPTY_PAGES_READ_PAST have been read past.
 */
export async function readPage<T>(
  fetchPage: (startToken: string | undefined) => Promise<Page<T>>,
  startToken: string | undefined,
): Promise<Page<T>> {
  let page = await fetchPage(startToken);
  for (let read = 0; page.items.length === 0 && page.nextToken && read < EMPTY_PAGES_READ_PAST; read++) {
    page = await fetchPage(page.nextToken);
  }
  return page;
}
