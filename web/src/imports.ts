/**
 * What the client knows about imports, apart from the screen: plain functions, tested without a browser (and
 * so without the generated API types: `ImportView` is the part of the API's Import they read).
 */

export interface ImportView {
  status: 'pending' | 'running' | 'done' | 'failed';
  total: number;
  imported: number;
  skipped_duplicates: number;
  error_count: number;
  failure_reason?: string;
}

/** The largest file an import takes (the service refuses more: the same 10 MiB). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/** Why a chosen file cannot be imported, before anything is uploaded; undefined when it can. */
export function fileProblem(file: { name: string; size: number }): string | undefined {
  if (file.size === 0) return `${file.name} is empty.`;
  if (file.size > MAX_IMPORT_BYTES) {
    return `${file.name} is ${mebibytes(file.size)} MiB; an import takes at most 10 MiB. Split it, or export fewer bookmarks.`;
  }
  return undefined;
}

function mebibytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/** Polling an import's status: soon at first, then less often while nothing changes, at most every 5 s. */
export const FIRST_POLL_MS = 500;
export const LONGEST_POLL_MS = 5_000;

/** The wait before the next look at an import: back to the first when it moved, else half as long again. */
export function nextPollDelay(previousMs: number | undefined, moved: boolean): number {
  if (previousMs === undefined || moved) return FIRST_POLL_MS;
  return Math.min(Math.round(previousMs * 1.5), LONGEST_POLL_MS);
}

/** Whether an import will not change any more. */
export function isFinished(record: Pick<ImportView, 'status'>): boolean {
  return record.status === 'done' || record.status === 'failed';
}

/** Whether two looks at an import differ in anything the reader sees. */
export function hasMoved(before: ImportView | undefined, after: ImportView): boolean {
  return (
    !before ||
    before.status !== after.status ||
    before.total !== after.total ||
    before.error_count !== after.error_count
  );
}

/** An import's progress or outcome in one sentence. */
export function importSummary(record: ImportView): string {
  const counts = `${plural(record.imported, 'link')} imported, ${plural(record.skipped_duplicates, 'duplicate')} skipped, ${plural(record.error_count, 'error')}`;
  switch (record.status) {
    case 'pending':
      return 'Waiting for the file…';
    case 'running':
      return `Importing: ${plural(record.total, 'entry', 'entries')} read so far; ${counts}.`;
    case 'done':
      return `Done: ${plural(record.total, 'entry', 'entries')} read; ${counts}.`;
    case 'failed':
      return `Failed: ${record.failure_reason ?? 'the import could not finish.'}`;
  }
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}
