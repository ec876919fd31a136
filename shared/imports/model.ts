/**
 * The import context's vocabulary: what a bookmark file yields, entry by entry, whatever wrote it.
 *
 * The parsers (netscape.ts, pinboard.ts, parse.ts) are pure: they read text and say what is in it. Whether an
 * entry becomes a link (the user's existing URLs, the link limit) is the importer's business.
 */

import * as z from '../zod.ts';
import { timestampSchema } from '../http/schemas.ts';

export type BookmarkFormat = 'netscape' | 'pinboard';

/** A bookmark read from a file, ready to become a link: its URL checked as the API checks one. */
export interface BookmarkEntry {
  /** Line of the file where the entry starts (1-based). */
  line: number;
  /** As the API stores it (`urlSchema`: the WHATWG parser's serialization). */
  url: string;
  title: string;
  description: string;
  /** Lower-cased, unique, sorted, within the API's limits. */
  tags: string[];
  private: boolean;
  /** RFC 3339 UTC with milliseconds; absent when the file gives none (or none that reads as a date). */
  created_at?: string;
  updated_at?: string;
}

/** An entry that cannot become a link: the rest of the file still imports. */
export interface EntryError {
  line?: number;
  url?: string;
  reason: string;
}

/**
 * What a file yields, in file order: an entry, an entry that cannot be read, or an entry whose URL (normalized)
 * came earlier in the same file, which counts once and is reported as a duplicate skipped.
 */
export type ParsedItem =
  | { kind: 'entry'; entry: BookmarkEntry }
  | { kind: 'error'; error: EntryError }
  | { kind: 'duplicate'; line: number; url: string };

export type ParseOutcome =
  | { kind: 'bookmarks'; format: BookmarkFormat; items: Iterable<ParsedItem> }
  | { kind: 'notABookmarkFile'; reason: string };

/** The largest file an import takes: an object over it is refused when it lands, and deleted. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
/**
 * How many entry errors an import record keeps (beside the count of all of them): the record is one DynamoDB
 * item (400 KB at most), and a list this long already tells what went wrong.
 */
export const MAX_STORED_ERRORS = 500;
/** A stored error quotes at most this much of a URL or a reason: 500 errors stay under ~200 KB. */
export const MAX_STORED_ERROR_TEXT = 200;

export const bookmarkFormatSchema = z.enum(['netscape', 'pinboard']);

export const entryErrorSchema = z.object({
  line: z.optional(z.number().check(z.int())),
  url: z.optional(z.string()),
  reason: z.string(),
});

export const importStatusSchema = z.enum(['pending', 'running', 'done', 'failed']);
export type ImportStatus = z.infer<typeof importStatusSchema>;

/**
 * One import of a bookmark file: the one declaration of an Import, as the imports table keeps it and the API
 * shows it (schemas.ts omits the owner and the checkpoint).
 */
export const importSchema = z.object({
  username: z.string(),
  /** Time-ordered (see `newImportId`): newest-first listings sort by it. */
  import_id: z.string(),
  status: importStatusSchema,
  /** As asked for, or as detected once the file is read; null until then. */
  format: z.nullable(bookmarkFormatSchema),
  /** Items of the file processed so far: entries, errors and duplicates. */
  total: z.number().check(z.int()),
  imported: z.number().check(z.int()),
  /** Entries whose URL the user already had, and repeats within the file. */
  skipped_duplicates: z.number().check(z.int()),
  /** The first MAX_STORED_ERRORS errors, in file order. */
  errors: z.array(entryErrorSchema),
  /** All errors, stored or not. */
  error_count: z.number().check(z.int()),
  created_at: timestampSchema,
  finished_at: z.nullable(timestampSchema),
  /** Why the import failed as a whole (not a bookmark file, too large); absent otherwise. */
  failure_reason: z.optional(z.string()),
  /**
   * Items of the file already processed and counted: a delivery resumes after them. Each chunk's checkpoint is
   * written only over the one it started from, so two deliveries cannot both advance it.
   */
  checkpoint: z.number().check(z.int()),
});

export type Import = z.infer<typeof importSchema>;

/**
 * A new import's id: the creation time (milliseconds, base 36, fixed width) then 64 random bits, so ids sort by
 * creation and cannot be guessed.
 */
export function newImportId(now: Date, randomHex: string): string {
  return `${now.getTime().toString(36).padStart(9, '0')}${randomHex}`;
}

/** Import ids as `newImportId` makes them: what a path or an object key may carry. */
export const importIdSchema = z.string().check(z.regex(/^[0-9a-z]{9}[0-9a-f]{16}$/, 'not an import id'));

/** Where an import's file is uploaded: `imports/<username>/<import id>`. */
export const IMPORT_KEY_PREFIX = 'imports/';
export const importObjectKey = (username: string, importId: string) =>
  `${IMPORT_KEY_PREFIX}${username}/${importId}`;

/** The owner and the import of an uploaded object's key; undefined for any other key. */
export function importOfObjectKey(key: string): { username: string; importId: string } | undefined {
  const match = /^imports\/([^/]+)\/([^/]+)$/.exec(key);
  if (!match || !importIdSchema.safeParse(match[2]).success) return undefined;
  return { username: match[1]!, importId: match[2]! };
}

/** An object key as an S3 event writes it, decoded. */
const s3ObjectKey = z.pipe(
  z.string(),
  z.transform((key: string) => decodeURIComponent(key.replace(/\+/g, ' '))),
);

const s3Record = z.object({
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: s3ObjectKey,
      size: z.number().check(z.int(), z.nonnegative()),
    }),
  }),
});

/**
 * The S3 event notification of an object created, as S3 sends it to a queue (and the local runtime sends it from
 * the emulator's bucket): only what the import needs. Keys arrive URL-encoded, spaces as `+`. S3 also sends a
 * one-off `s3:TestEvent` without Records when a notification is configured: it reads as no uploads.
 */
export const s3EventSchema = z.object({
  Records: z._default(z.array(s3Record), []),
});

export interface UploadedObject {
  bucket: string;
  key: string;
  size: number;
}

export function uploadsOfS3Event(body: string): UploadedObject[] {
  const event = s3EventSchema.parse(JSON.parse(body));
  return event.Records.map(({ s3 }) => ({
    bucket: s3.bucket.name,
    key: s3.object.key,
    size: s3.object.size,
  }));
}

/** The S3 event message of one object created, as S3 writes it (the fields the import reads, and a few more). */
export function s3EventFor(object: UploadedObject, at: Date): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventTime: at.toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: object.bucket, arn: `arn:aws:s3:::${object.bucket}` },
          object: { key: encodeURIComponent(object.key).replace(/%2F/g, '/'), size: object.size },
        },
      },
    ],
  });
}
