import type { ExportFileMeta, ExportFiles } from '../../../shared/links/ports.ts';

/** Stored exports in memory, with download URLs that name the key and the expiry they were asked for. */
export class InMemoryExportFiles implements ExportFiles {
  readonly files = new Map<string, { meta: ExportFileMeta; body: string }>();
  /** How many chunks each write received: a file written in one piece was held whole somewhere. */
  readonly chunkCounts = new Map<string, number>();

  async write(key: string, meta: ExportFileMeta, chunks: AsyncIterable<string>): Promise<void> {
    const parts: string[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    this.files.set(key, { meta, body: parts.join('') });
    this.chunkCounts.set(key, parts.length);
  }

  async downloadUrl(key: string, _meta: ExportFileMeta, expiresInSeconds: number): Promise<string> {
    return `https://exports.example/${encodeURI(key)}?expires-in=${expiresInSeconds}`;
  }
}
