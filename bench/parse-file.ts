import { parseBookmarkFile } from '../shared/imports/parse.ts';

/**
 * One parse of a generated 10 MiB bookmark file (argv: `netscape` or `pinboard`), in a process of its own so
 * that its peak memory is the parse's: prints the entries read, the time, the resident memory before the parse
 * (the file itself held in memory) and the peak.
 */
const FILE_BYTES = 10 * 1024 * 1024;
const format = process.argv[2] === 'pinboard' ? 'pinboard' : 'netscape';

function generated(): Buffer {
  const parts: string[] = [];
  let bytes = 0;
  const push = (part: string) => {
    parts.push(part);
    bytes += Buffer.byteLength(part);
  };
  push(format === 'pinboard' ? '[' : '<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n');
  for (let i = 0; bytes < FILE_BYTES - 512; i++) {
    const url = `https://example.com/articles/${i}/a-fairly-typical-path-of-a-bookmarked-page`;
    const title = `Bookmark ${i}: a title of a typical length, with &amp; an entity`;
    push(
      format === 'pinboard'
        ? `${i ? ',\n' : ''}${JSON.stringify({ href: url, description: title, extended: 'A short description of the page.', time: '2020-01-02T03:04:05Z', shared: 'no', toread: 'no', tags: 'one two three' })}`
        : `    <DT><A HREF="${url}" ADD_DATE="1700000000" PRIVATE="1" TAGS="one,two,three">${title}</A>\n    <DD>A short description of the page.\n`,
    );
  }
  push(format === 'pinboard' ? ']' : '</DL><p>\n');
  return Buffer.from(parts.join(''));
}

const file = generated();
const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
const started = performance.now();
const outcome = parseBookmarkFile(file);
let entries = 0;
if (outcome.kind === 'bookmarks') for (const item of outcome.items) if (item.kind === 'entry') entries++;
const ms = performance.now() - started;
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ format, fileMb: file.length / 2 ** 20, entries, ms, rssBeforeMb, peakMb }));
