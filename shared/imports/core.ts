import { NotFound } from '../errors.ts';
import type { Link } from '../links/model.ts';
import {
  importObjectKey,
  importOfObjectKey,
  MAX_IMPORT_BYTES,
  MAX_STORED_ERROR_TEXT,
  MAX_STORED_ERRORS,
  newImportId,
  type BookmarkEntry,
  type BookmarkFormat,
  type EntryError,
  type Import,
  type ParsedItem,
  type UploadedObject,
} from './model.ts';
import { parseBookmarkFile } from './parse.ts';
import type { ImportContinuations, ImportStore, LinksForImportPort, UploadedFiles } from './ports.ts';
import { cutText } from '../text.ts';

/** How long an upload URL stays valid. */
export const UPLOAD_URL_SECONDS = 15 * 60;
/** How many of the caller's imports a listing shows. */
export const IMPORTS_LISTED = 100;

/** The imports context's HTTP side: starting an import (an upload URL) and reading how imports went. */
export class Imports {
  constructor(
    private readonly store: ImportStore,
    private readonly files: UploadedFiles,
    private readonly randomHex: () => string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(
    username: string,
    format: BookmarkFormat | undefined,
  ): Promise<{ record: Import; uploadUrl: string; expiresAt: string }> {
    const now = this.now();
    const record: Import = {
      username,
      import_id: newImportId(now, this.randomHex()),
      status: 'pending',
      format: format ?? null,
      total: 0,
      imported: 0,
      skipped_duplicates: 0,
      errors: [],
      error_count: 0,
      created_at: now.toISOString(),
      finished_at: null,
      checkpoint: 0,
    };
    await this.store.create(record);
    const key = importObjectKey(username, record.import_id);
    const uploadUrl = await this.files.uploadUrl(key, UPLOAD_URL_SECONDS);
    const expiresAt = new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
    return { record, uploadUrl, expiresAt };
  }

  async get(username: string, importId: string): Promise<Import> {
    const record = await this.store.get(username, importId);
    if (!record) throw new NotFound('No such import.');
    return record;
  }

  list(username: string): Promise<Import[]> {
    return this.store.newestFirst(username, IMPORTS_LISTED);
  }
}

export interface ImportRunSettings {
  maxLinksPerUser: number;
  /** Items of the file handled per chunk: one write of links and one checkpoint. */
  chunkSize: number;
  /** Below this much time left in the invocation, the import goes on in a fresh one. */
  minimumRemainingMs: number;
}

/**
 * 99 items a chunk: one BatchGetItem, one transaction of the new links and the counters (at most 100 actions),
 * one checkpoint. Fewer, larger chunks mean fewer round trips per link; a larger chunk would split its transaction.
 */
export const DEFAULT_RUN_SETTINGS = { chunkSize: 99, minimumRemainingMs: 60_000 } as const;

/** What a delivery of an upload's notification did: `finished` and `failed` end the import (done or failed). */
export type RunOutcome = 'finished' | 'failed' | 'continued' | 'ignored' | 'overtaken';

/**
 * Runs an import once its file has landed. The file is parsed from the start on every delivery (the parser is
 * deterministic) and the items up to the record's checkpoint are skipped; each chunk's links are added, then its
 * counts and the new checkpoint are written over the previous checkpoint only. A delivery that crashed between
 * the two left links carrying this import's id: the next one counts them as imported, so that the result is an
 * uninterrupted run's. When the invocation runs short of time, the notification is sent again and the next
 * invocation goes on from the checkpoint.
 */
export class ImportRunner {
  constructor(
    private readonly store: ImportStore,
    private readonly files: UploadedFiles,
    private readonly links: LinksForImportPort,
    private readonly continuations: ImportContinuations,
    private readonly settings: ImportRunSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `message` is the notification's body, sent again to continue; `remainingMs` the invocation's time left. */
  async run(upload: UploadedObject, message: string, remainingMs: () => number): Promise<RunOutcome> {
    const owner = importOfObjectKey(upload.key);
    if (!owner) return 'ignored';
    const found = await this.store.get(owner.username, owner.importId);
    if (!found) {
      // No such import (or its owner has gone): nothing will read the object.
      await this.files.delete(upload.key);
      return 'ignored';
    }
    if (found.status === 'done' || found.status === 'failed') return 'ignored';
    let record = found;
    if (record.status === 'pending') {
      const running: Import = { ...record, status: 'running' };
      if (!(await this.store.advance(running, record))) return 'overtaken';
      record = running;
    }
    if (upload.size > MAX_IMPORT_BYTES) return this.fail(record, upload.key, tooLarge(upload.size));
    const bytes = await this.files.read(upload.key, MAX_IMPORT_BYTES);
    if (bytes === 'tooLarge') return this.fail(record, upload.key, tooLarge(undefined));
    if (bytes === undefined) return this.fail(record, upload.key, 'the uploaded file is gone; start again');
    const parsed = parseBookmarkFile(bytes, record.format ?? undefined);
    if (parsed.kind === 'notABookmarkFile') return this.fail(record, upload.key, parsed.reason);
    if (record.format !== parsed.format) record = { ...record, format: parsed.format };

    let position = 0;
    let chunk: ParsedItem[] = [];
    for (const item of parsed.items) {
      position += 1;
      if (position <= record.checkpoint) continue;
      chunk.push(item);
      if (chunk.length < this.settings.chunkSize) continue;
      const next = await this.applyChunk(record, chunk);
      if (!next) return 'overtaken';
      record = next;
      chunk = [];
      if (remainingMs() < this.settings.minimumRemainingMs) {
        await this.continuations.continueLater(message);
        return 'continued';
      }
    }
    if (chunk.length > 0) {
      const next = await this.applyChunk(record, chunk);
      if (!next) return 'overtaken';
      record = next;
    }
    const done: Import = { ...record, status: 'done', finished_at: this.now().toISOString() };
    if (!(await this.store.advance(done, record))) return 'overtaken';
    await this.files.delete(upload.key);
    return 'finished';
  }

  /** Adds a chunk's links and writes the counts and the checkpoint after it; undefined when overtaken. */
  private async applyChunk(record: Import, items: ParsedItem[]): Promise<Import | undefined> {
    const entries = items.flatMap((item) => (item.kind === 'entry' ? [item.entry] : []));
    const outcomes = await this.links.addAll(
      entries.map((entry) => linkOf(record, entry)),
      this.settings.maxLinksPerUser,
    );
    const next: Import = {
      ...record,
      errors: [...record.errors],
      checkpoint: record.checkpoint + items.length,
    };
    const addError = (error: EntryError) => {
      next.error_count += 1;
      if (next.errors.length < MAX_STORED_ERRORS) next.errors.push(storedError(error));
    };
    let entryIndex = 0;
    for (const item of items) {
      next.total += 1;
      if (item.kind === 'error') addError(item.error);
      else if (item.kind === 'duplicate') next.skipped_duplicates += 1;
      else {
        const outcome = outcomes[entryIndex++];
        if (outcome === 'imported') next.imported += 1;
        else if (outcome === 'existing') next.skipped_duplicates += 1;
        else
          addError({
            line: item.entry.line,
            url: item.entry.url,
            reason: `link limit reached: at most ${this.settings.maxLinksPerUser} links per user`,
          });
      }
    }
    return (await this.store.advance(next, record)) ? next : undefined;
  }

  private async fail(record: Import, key: string, reason: string): Promise<RunOutcome> {
    const failed: Import = {
      ...record,
      status: 'failed',
      failure_reason: reason,
      finished_at: this.now().toISOString(),
    };
    if (!(await this.store.advance(failed, record))) return 'overtaken';
    await this.files.delete(key);
    return 'failed';
  }
}

function tooLarge(size: number | undefined): string {
  const sizeText = size === undefined ? '' : ` (${size} bytes)`;
  return `the file is larger than the ${MAX_IMPORT_BYTES / (1024 * 1024)} MiB an import takes${sizeText}`;
}

const cutErrorText = (text: string) => cutText(text, MAX_STORED_ERROR_TEXT);

function storedError(error: EntryError): EntryError {
  return {
    ...(error.line !== undefined ? { line: error.line } : {}),
    ...(error.url !== undefined ? { url: cutErrorText(error.url) } : {}),
    reason: cutErrorText(error.reason),
  };
}

/**
 * The link an entry becomes: pending, so the link checker checks it; dated as the file dates it (else when the
 * import started), never updated before it was created; marked with the import's id. A date after the import
 * started is no date at all (the file was written before it was uploaded): kept, it would stand above every
 * later link of a list that is newest first, for years.
 */
export function linkOf(record: Import, entry: BookmarkEntry): Link {
  const started = record.created_at;
  const created = notAfter(entry.created_at, started) ?? started;
  const modified = notAfter(entry.updated_at, started);
  const updated = modified && modified > created ? modified : created;
  return {
    username: record.username,
    url: entry.url,
    title: entry.title,
    description: entry.description,
    tags: entry.tags,
    private: entry.private,
    status: 'pending',
    http_status: null,
    checked_at: null,
    created_at: created,
    updated_at: updated,
    ...(entry.private ? {} : { published_at: created }),
    version: 1,
    imported_by: record.import_id,
  };
}

/** The timestamp, unless it is later than `limit` (both RFC 3339 UTC with milliseconds, which sort as text). */
function notAfter(timestamp: string | undefined, limit: string): string | undefined {
  return timestamp !== undefined && timestamp <= limit ? timestamp : undefined;
}
