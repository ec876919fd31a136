import { describe, expect, it } from 'vitest';
import { MAX_IMPORT_BYTES as SERVICE_MAX_IMPORT_BYTES } from '../../../shared/imports/model.ts';
import {
  FIRST_POLL_MS,
  fileProblem,
  hasMoved,
  importSummary,
  LONGEST_POLL_MS,
  MAX_IMPORT_BYTES,
  nextPollDelay,
  type ImportView,
} from '../../../web/src/imports.ts';

/** The web client's import logic: refusing a file before upload, polling with backoff, and saying how it went. */

function anImportView(overrides: Partial<ImportView> = {}): ImportView {
  return {
    status: 'running',
    total: 0,
    imported: 0,
    skipped_duplicates: 0,
    error_count: 0,
    ...overrides,
  };
}

describe('a file chosen for import', () => {
  it("given the client's limit, then it is the service's", () => {
    expect(MAX_IMPORT_BYTES).toBe(SERVICE_MAX_IMPORT_BYTES);
  });

  it('given a file of exactly 10 MiB, then it may be imported', () => {
    expect(fileProblem({ name: 'bookmarks.html', size: MAX_IMPORT_BYTES })).toBeUndefined();
  });

  it('given a file one byte over 10 MiB, then it is refused before upload, saying its size and the limit', () => {
    expect(fileProblem({ name: 'bookmarks.html', size: 12 * 1024 * 1024 })).toBe(
      'bookmarks.html is 12.0 MiB; an import takes at most 10 MiB. Split it, or export fewer bookmarks.',
    );
    expect(fileProblem({ name: 'b.html', size: MAX_IMPORT_BYTES + 1 })).toContain('at most 10 MiB');
  });

  it('given an empty file, then it is refused', () => {
    expect(fileProblem({ name: 'empty.html', size: 0 })).toBe('empty.html is empty.');
  });
});

describe('polling an import', () => {
  it('given looks at an import that does not move, then each wait is half as long again, up to the longest', () => {
    const waits: number[] = [];
    let wait: number | undefined;
    for (let look = 0; look < 10; look++) {
      wait = nextPollDelay(wait, look === 0);
      waits.push(wait);
    }

    expect(waits.slice(0, 4)).toEqual([FIRST_POLL_MS, 750, 1125, 1688]);
    expect(waits.at(-1)).toBe(LONGEST_POLL_MS);
    expect(Math.max(...waits)).toBe(LONGEST_POLL_MS);
  });

  it('given an import that moved, then the next look comes soon again', () => {
    expect(nextPollDelay(LONGEST_POLL_MS, true)).toBe(FIRST_POLL_MS);
  });

  it('given two looks, then it moved when its status or counts changed, not otherwise', () => {
    const before = anImportView({ total: 99 });

    expect(hasMoved(undefined, before)).toBe(true);
    expect(hasMoved(before, anImportView({ total: 99 }))).toBe(false);
    expect(hasMoved(before, anImportView({ total: 198 }))).toBe(true);
    expect(hasMoved(before, anImportView({ total: 99, status: 'done' }))).toBe(true);
  });
});

describe("an import's summary", () => {
  it.each([
    [anImportView({ status: 'pending' }), 'Waiting for the file…'],
    [
      anImportView({ total: 1200, imported: 1100, skipped_duplicates: 99, error_count: 1 }),
      'Importing: 1,200 entries read so far; 1,100 links imported, 99 duplicates skipped, 1 error.',
    ],
    [
      anImportView({ status: 'done', total: 1, imported: 1 }),
      'Done: 1 entry read; 1 link imported, 0 duplicates skipped, 0 errors.',
    ],
    [
      anImportView({ status: 'failed', failure_reason: 'not a bookmark file' }),
      'Failed: not a bookmark file',
    ],
  ])('given %o, then it reads "%s"', (record, summary) => {
    expect(importSummary(record)).toBe(summary);
  });
});
