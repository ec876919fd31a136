import type { Link } from '../links/model.ts';
import { LinkSearchIndex } from './index.ts';
import type { SearchUpdate } from './model.ts';
import type { LinksForSearch, PageTexts, SearchIndexStore } from './ports.ts';

/** Page texts read at once while an index is built from scratch. */
const TEXT_READS_AT_ONCE = 32;

/**
 * Keeps each user's search index up to date: the changes of one batch for one user (in the order they were
 * made: the queue is FIFO by user) are applied to the stored index, which is then written back once.
 *
 * - An upsert indexes the link as the message carries it, with the page text read from the checker's store
 *   (the index does not keep texts, so each upsert reads it again: an edit keeps its text, a check brings it).
 *   A link not checked yet (`checked_at` null) has no text: the checker keeps one only with a check it records,
 *   so nothing is read for it (a new link's upsert costs no S3 GET).
 * - Only the last change of each link in a batch matters: earlier ones are skipped.
 * - A user without a stored index (new, from before search existed, or an index of an older format) gets one
 *   built from all their links as they are now, which already includes every change of the batch. A rebuild
 *   request is a batch without changes.
 * - An index left empty is deleted rather than written, so that the removals that follow an account's erasure
 *   do not bring back an object the erasure deleted.
 * One writer per user at a time is the queue's doing (FIFO, one message group per user); nothing here locks.
 */
export class SearchIndexUpdater {
  constructor(
    private readonly store: SearchIndexStore,
    private readonly texts: PageTexts,
    private readonly links: LinksForSearch,
  ) {}

  /**
   * Applies one user's changes, in order; with none, builds the user's index if it is missing or of an older
   * format (a rebuild request, from a search or the backfill).
   */
  async apply(username: string, updates: readonly SearchUpdate[]): Promise<void> {
    const loaded = await this.store.load(username);
    const stored = loaded === 'outdated' ? undefined : loaded;
    // A request to rebuild (no updates) of an index that is there, in the current format: nothing to do.
    if (stored && updates.length === 0) return;
    const index = stored ? stored.index : await this.build(username);
    if (stored) {
      for (const update of lastChangeOfEachLink(updates)) {
        if (update.change === 'remove') index.remove(update.link.url);
        else index.upsert(update.link, await this.textOf(username, update.link));
      }
    }
    if (index.size === 0) {
      await this.store.remove(username);
      return;
    }
    await this.store.save(username, index);
  }

  private async build(username: string): Promise<LinkSearchIndex> {
    const index = LinkSearchIndex.empty();
    for await (const page of this.links.all(username)) {
      for (let start = 0; start < page.length; start += TEXT_READS_AT_ONCE) {
        const chunk = page.slice(start, start + TEXT_READS_AT_ONCE);
        const texts = await Promise.all(chunk.map((link) => this.textOf(username, link)));
        chunk.forEach((link: Link, i) => index.upsert(link, texts[i]));
      }
    }
    return index;
  }

  private textOf(username: string, link: Link): Promise<string> {
    return link.checked_at === null ? Promise.resolve('') : this.texts.textOf(username, link.url);
  }
}

/** The updates with only the last one of each URL kept, in the order of those last ones. */
function lastChangeOfEachLink(updates: readonly SearchUpdate[]): SearchUpdate[] {
  const last = new Map<string, SearchUpdate>();
  for (const update of updates) {
    last.delete(update.link.url);
    last.set(update.link.url, update);
  }
  return [...last.values()];
}
