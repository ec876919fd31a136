import { DEFAULT_RUN_SETTINGS, ImportRunner } from '../shared/imports/core.ts';
import { MAX_IMPORT_BYTES, type Import } from '../shared/imports/model.ts';
import type { ImportStore, UploadedFiles } from '../shared/imports/ports.ts';
import { anImport } from '../test/support/builders.ts';

/**
 * One import of a generated 10 MiB Netscape file (the worst case the import takes) through the import core, in
 * a process of its own so that its peak memory is the worker's: the file's bytes as S3 hands them over, the
 * parse, and the links built chunk by chunk. The stores are the cheapest stand-ins (the links are counted, not
 * kept), so the figure is the worker's own, without what the AWS SDK's clients add. Prints one JSON line.
 */
function generated(): Uint8Array {
  const parts: string[] = ['<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n'];
  let bytes = parts[0]!.length;
  for (let i = 0; bytes < MAX_IMPORT_BYTES - 512; i++) {
    const part =
      `    <DT><A HREF="https://example.com/articles/${i}/a-fairly-typical-path-of-a-bookmarked-page" ` +
      `ADD_DATE="1700000000" PRIVATE="1" TAGS="one,two,three">Bookmark ${i}: a title of a typical length</A>\n` +
      '    <DD>A short description of the page.\n';
    parts.push(part);
    bytes += Buffer.byteLength(part);
  }
  parts.push('</DL><p>\n');
  return Buffer.from(parts.join(''));
}

let record: Import = anImport({
  username: 'bench',
  import_id: 'mio5xk2a0f3c9b8e7d6a5b4c3',
  created_at: new Date().toISOString(),
});
const store: ImportStore = {
  create: async () => undefined,
  get: async () => record,
  newestFirst: async () => [record],
  advance: async (next) => {
    record = next;
    return true;
  },
};
let file: Uint8Array | undefined = generated();
const size = file.byteLength;
const files: UploadedFiles = {
  uploadUrl: async () => '',
  read: async () => file,
  delete: async () => {
    file = undefined;
  },
};
const runner = new ImportRunner(
  store,
  files,
  { addAll: async (links) => links.map(() => 'imported' as const) },
  { continueLater: async () => undefined },
  { maxLinksPerUser: 1_000_000, chunkSize: DEFAULT_RUN_SETTINGS.chunkSize, minimumRemainingMs: 0 },
);

const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
const started = performance.now();
const key = `imports/bench/${record.import_id}`;
await runner.run({ bucket: 'bench', key, size }, '{}', () => Number.POSITIVE_INFINITY);
const ms = performance.now() - started;
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({
    fileMb: size / 2 ** 20,
    imported: record.imported,
    status: record.status,
    ms,
    rssBeforeMb,
    peakMb,
  }),
);
