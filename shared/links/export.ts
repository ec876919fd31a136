import type { Link } from './model.ts';
import type { ExportFileMeta, ExportFiles, LinkStore } from './ports.ts';
import { toLinkResponse } from './schemas.ts';

/**
 * Export: all of a user's links as one file, the Netscape bookmark file (the format every browser and bookmark
 * service imports) or JSON (`{"links": [Link...]}`, the API's Link shape), newest first.
 *
 * The file is written a link at a time from pages of the store, so memory holds one page and the part of the file
 * not yet sent, never the whole list. An HTTP answer cannot carry more than 6 MB (API Gateway's and Lambda's
 * limit), so while the file stays under `inlineLimitBytes` it is answered directly; past that, everything
 * written so far and the rest are streamed to the file store, and the answer is a short-lived download URL.
 */

export type ExportFormat = 'netscape' | 'json';
/** `file`: the file itself while it is small enough; `url`: always a stored file's download URL. */
export type ExportDelivery = 'file' | 'url';

export interface ExportSettings {
  /** Bytes of file past which it goes to the file store instead of the answer. */
  inlineLimitBytes: number;
  /** How long a stored export's download URL lives. */
  downloadUrlSeconds: number;
  /** Links read from the store per page. */
  pageSize: number;
}

export const DEFAULT_EXPORT_SETTINGS: ExportSettings = {
  inlineLimitBytes: 5_000_000,
  downloadUrlSeconds: 900,
  pageSize: 100,
};

export type ExportResult =
  | { kind: 'inline'; meta: ExportFileMeta; body: string }
  | { kind: 'stored'; meta: ExportFileMeta; downloadUrl: string; expiresInSeconds: number };

const FORMATS: Record<ExportFormat, { extension: string; contentType: string }> = {
  netscape: { extension: 'html', contentType: 'text/html; charset=utf-8' },
  json: { extension: 'json', contentType: 'application/json; charset=utf-8' },
};

/** Where a stored export lives: under the exports prefix, per user, by the time it was made. */
export function exportKey(username: string, format: ExportFormat, now: Date): string {
  return `exports/${username}/${now.toISOString()}.${FORMATS[format].extension}`;
}

export function exportMeta(username: string, format: ExportFormat, now: Date): ExportFileMeta {
  const { extension, contentType } = FORMATS[format];
  const filename = `delinkcious-${username}-${now.toISOString().slice(0, 10)}.${extension}`;
  return { contentType, disposition: `attachment; filename="${filename}"` };
}

export class LinkExport {
  constructor(
    private readonly store: LinkStore,
    private readonly files: ExportFiles,
    private readonly settings: ExportSettings = DEFAULT_EXPORT_SETTINGS,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * The file, inline while it stays under the limit; `delivery: 'url'` stores it whatever its size, for a client
   * that opens the download itself.
   */
  async export(
    username: string,
    format: ExportFormat,
    delivery: ExportDelivery = 'file',
  ): Promise<ExportResult> {
    const inlineLimitBytes = delivery === 'url' ? -1 : this.settings.inlineLimitBytes;
    const now = this.clock();
    const meta = exportMeta(username, format, now);
    const chunks = exportChunks(this.store, username, format, this.settings.pageSize)[Symbol.asyncIterator]();
    const held: string[] = [];
    let heldBytes = 0;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      held.push(next.value);
      heldBytes += Buffer.byteLength(next.value);
      if (heldBytes > inlineLimitBytes) {
        const key = exportKey(username, format, now);
        await this.files.write(key, meta, heldThenRest(held, chunks));
        const downloadUrl = await this.files.downloadUrl(key, meta, this.settings.downloadUrlSeconds);
        return { kind: 'stored', meta, downloadUrl, expiresInSeconds: this.settings.downloadUrlSeconds };
      }
    }
    return { kind: 'inline', meta, body: held.join('') };
  }
}

/** The chunks held so far (released as they go), then the rest of the iterator's. */
async function* heldThenRest(held: string[], rest: AsyncIterator<string>): AsyncGenerator<string> {
  while (held.length > 0) yield held.shift()!;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** The file, a chunk per link between its head and its tail. */
export async function* exportChunks(
  store: LinkStore,
  username: string,
  format: ExportFormat,
  pageSize: number,
): AsyncGenerator<string> {
  const write = format === 'netscape' ? netscapeWriter : jsonWriter;
  yield write.head;
  let first = true;
  for await (const link of allLinks(store, username, pageSize)) {
    yield write.link(link, first);
    first = false;
  }
  yield write.tail;
}

async function* allLinks(store: LinkStore, username: string, pageSize: number): AsyncGenerator<Link> {
  let after: Link | undefined;
  for (;;) {
    const page = await store.listNewestFirst(username, after, pageSize);
    yield* page.links;
    after = page.links.at(-1);
    if (!page.hasMore || !after) return;
  }
}

interface FileWriter {
  head: string;
  link(link: Link, first: boolean): string;
  tail: string;
}

const jsonWriter: FileWriter = {
  head: '{"links":[',
  link: (link, first) => (first ? '' : ',') + JSON.stringify(toLinkResponse(link)),
  tail: ']}\n',
};

/**
 * The Netscape bookmark file as browsers write it: ADD_DATE and LAST_MODIFIED in epoch seconds, TAGS separated
 * by commas, PRIVATE 1 or 0, the description in a <DD>.
 */
const netscapeWriter: FileWriter = {
  head:
    '<!DOCTYPE NETSCAPE-Bookmark-file-1>\n' +
    '<!-- This is an automatically generated file.\n' +
    '     It will be read and overwritten.\n' +
    '     DO NOT EDIT! -->\n' +
    '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">\n' +
    '<TITLE>Bookmarks</TITLE>\n' +
    '<H1>Bookmarks</H1>\n' +
    '<DL><p>\n',
  link: (link) => {
    const attributes = [
      `HREF="${escapeHtml(link.url)}"`,
      `ADD_DATE="${epochSeconds(link.created_at)}"`,
      `LAST_MODIFIED="${epochSeconds(link.updated_at)}"`,
      `PRIVATE="${link.private ? 1 : 0}"`,
      `TAGS="${escapeHtml(link.tags.join(','))}"`,
    ];
    const entry = `    <DT><A ${attributes.join(' ')}>${escapeHtml(link.title)}</A>\n`;
    return link.description ? `${entry}    <DD>${escapeHtml(link.description)}\n` : entry;
  },
  tail: '</DL><p>\n',
};

const epochSeconds = (timestamp: string) => Math.floor(Date.parse(timestamp) / 1000);

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * Text and attribute values alike: markup characters and quotes as entities, and line breaks too, so that every
 * entry stays on its own line for the tools that read these files line by line.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'\n\r]/g, (c) => HTML_ESCAPES[c]!);
}
