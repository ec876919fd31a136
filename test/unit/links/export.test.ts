import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { parseBookmarkFile } from '../../../shared/imports/parse.ts';
import type { BookmarkEntry, ParsedItem } from '../../../shared/imports/model.ts';
import { escapeHtml, LinkExport, type ExportSettings } from '../../../shared/links/export.ts';
import type { Link } from '../../../shared/links/model.ts';
import { aLink } from '../../support/builders.ts';
import { InMemoryExportFiles } from '../support/memory-export-files.ts';
import { InMemoryLinkStore } from '../support/memory-link-store.ts';

const NOW = new Date('2026-12-02T04:30:00.000Z');
const SETTINGS: ExportSettings = { inlineLimitBytes: 5_000_000, downloadUrlSeconds: 900, pageSize: 100 };

function anExport(links: Link[], settings: Partial<ExportSettings> = {}) {
  const store = new InMemoryLinkStore(links);
  const files = new InMemoryExportFiles();
  const exporter = new LinkExport(store, files, { ...SETTINGS, ...settings }, () => NOW);
  return { store, files, exporter };
}

/** Alice's links, numbered from 1, the higher the newer. */
function alicesLinks(count: number, overrides: (i: number) => Partial<Link> = () => ({})): Link[] {
  return Array.from({ length: count }, (_, index) => {
    const i = index + 1;
    const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    return aLink({
      url: `https://example.com/${i}`,
      title: `Link ${i}`,
      created_at: at,
      updated_at: at,
      ...overrides(i),
    });
  });
}

const entriesOf = (items: Iterable<ParsedItem>): BookmarkEntry[] =>
  [...items].flatMap((item) => (item.kind === 'entry' ? [item.entry] : []));

function parsedEntries(html: string): BookmarkEntry[] {
  const outcome = parseBookmarkFile(html);
  if (outcome.kind !== 'bookmarks') throw new Error(outcome.reason);
  return entriesOf(outcome.items);
}

describe('exporting links as the Netscape bookmark file', () => {
  it('given links with tags, dates, privacy and a description, when exported, then each is one <DT><A> with its attributes in epoch seconds and its <DD>', async () => {
    const { exporter } = anExport([
      aLink({
        url: 'https://go.dev/',
        title: 'Go',
        description: 'The Go site',
        tags: ['go', 'lang'],
        private: true,
        created_at: '2026-01-02T03:04:05.678Z',
        updated_at: '2026-02-03T04:05:06.000Z',
      }),
    ]);

    const result = await exporter.export('alice', 'netscape');

    expect(result.kind).toBe('inline');
    if (result.kind !== 'inline') return;
    expect(result.body).toMatch(/^<!DOCTYPE NETSCAPE-Bookmark-file-1>\n/);
    expect(result.body).toContain('<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">');
    expect(result.body).toContain(
      '<DT><A HREF="https://go.dev/" ADD_DATE="1767323045" LAST_MODIFIED="1770091506" PRIVATE="1" TAGS="go,lang">Go</A>\n    <DD>The Go site\n',
    );
    expect(result.body.trimEnd()).toMatch(/<\/DL><p>$/);
    expect(result.meta).toEqual({
      contentType: 'text/html; charset=utf-8',
      disposition: 'attachment; filename="delinkcious-alice-2026-12-02.html"',
    });
  });

  it('given a title and description with markup, quotes, ampersands and newlines, when exported, then no markup of theirs survives and the parser reads them back exactly', async () => {
    const title = `<script>alert("x")</script> & 'quotes'\nsecond line`;
    const description = `</A><DT><A HREF="javascript:alert(1)">trap</A> &amp; <DD>\r\nmore`;
    const { exporter } = anExport([aLink({ url: 'https://example.com/?a=1&b="2"', title, description })]);

    const result = await exporter.export('alice', 'netscape');
    if (result.kind !== 'inline') throw new Error('expected an inline export');

    expect(result.body).not.toContain('<script>');
    expect(result.body).not.toContain('javascript:alert(1)">');
    const entries = parsedEntries(result.body);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ url: 'https://example.com/?a=1&b=%222%22', title, description });
  });

  it('given the exported file, when a plain HTML parser reads it, then there is exactly one <a> per link', async () => {
    const { exporter } = anExport(
      alicesLinks(3, (i) => ({ title: `<a href="https://evil.example/">${i}</a>` })),
    );

    const result = await exporter.export('alice', 'netscape');
    if (result.kind !== 'inline') throw new Error('expected an inline export');

    const anchors: string[] = [];
    const parser = new Parser({
      onopentag: (name, attributes) => name === 'a' && anchors.push(attributes.href!),
    });
    parser.end(result.body);
    expect(anchors).toEqual(['https://example.com/3', 'https://example.com/2', 'https://example.com/1']);
  });

  it('given no links, when exported, then the file is an empty bookmark list', async () => {
    const { exporter } = anExport([]);

    const result = await exporter.export('alice', 'netscape');

    expect(result.kind === 'inline' && parseBookmarkFile(result.body).kind).toBe('bookmarks');
    expect(result.kind === 'inline' && result.body).not.toContain('<DT>');
  });

  it("given another user's links, when alice exports, then none of them is in her file", async () => {
    const { exporter } = anExport([aLink({ username: 'bob', url: 'https://bob.example/' }), aLink()]);

    const result = await exporter.export('alice', 'netscape');

    expect(result.kind === 'inline' && result.body).not.toContain('bob.example');
    expect(result.kind === 'inline' && result.body).toContain('https://golang.org/');
  });
});

describe('exporting links as JSON', () => {
  it('given links, when exported as JSON, then the file is {"links": [...]} in the API Link shape, newest first', async () => {
    const { exporter } = anExport(alicesLinks(3, (i) => ({ tags: [`t${i}`] })));

    const result = await exporter.export('alice', 'json');
    if (result.kind !== 'inline') throw new Error('expected an inline export');

    const file = JSON.parse(result.body) as { links: Record<string, unknown>[] };
    expect(file.links.map((link) => link.url)).toEqual([
      'https://example.com/3',
      'https://example.com/2',
      'https://example.com/1',
    ]);
    expect(Object.keys(file.links[0]!).sort()).toEqual(
      [
        'checked_at',
        'created_at',
        'description',
        'http_status',
        'private',
        'status',
        'tags',
        'title',
        'updated_at',
        'url',
      ].sort(),
    );
    expect(result.meta.disposition).toBe('attachment; filename="delinkcious-alice-2026-12-02.json"');
  });

  it('given no links, when exported as JSON, then the file is {"links": []}', async () => {
    const { exporter } = anExport([]);

    const result = await exporter.export('alice', 'json');

    expect(result.kind === 'inline' && JSON.parse(result.body)).toEqual({ links: [] });
  });
});

describe('reading and writing with bounded memory', () => {
  it('given 250 links, when exported, then the store is read in pages of the page size, each after the last link of the one before', async () => {
    const { exporter, store } = anExport(alicesLinks(250), { pageSize: 100 });

    await exporter.export('alice', 'json');

    expect(store.listCalls.map((call) => call.returned)).toEqual([100, 100, 50]);
    expect(store.listCalls.map((call) => call.pageSize)).toEqual([100, 100, 100]);
    expect(store.listCalls[1]!.after?.url).toBe('https://example.com/151');
  });

  it('given a file over the inline limit, when exported, then the whole file is streamed to the file store in chunks and the answer is its download URL', async () => {
    const { exporter, files } = anExport(alicesLinks(250), {
      inlineLimitBytes: 2_000,
      downloadUrlSeconds: 900,
    });

    const result = await exporter.export('alice', 'netscape');

    expect(result).toEqual({
      kind: 'stored',
      meta: expect.objectContaining({
        disposition: 'attachment; filename="delinkcious-alice-2026-12-02.html"',
      }),
      downloadUrl: 'https://exports.example/exports/alice/2026-12-02T04:30:00.000Z.html?expires-in=900',
      expiresInSeconds: 900,
    });
    const stored = files.files.get('exports/alice/2026-12-02T04:30:00.000Z.html')!;
    expect(parsedEntries(stored.body)).toHaveLength(250);
    // A chunk per link, besides the head and the tail: never the whole file in one string.
    expect(files.chunkCounts.get('exports/alice/2026-12-02T04:30:00.000Z.html')).toBe(252);
  });

  it('given a file exactly at the inline limit, when exported, then it is answered inline', async () => {
    const { exporter: measure } = anExport(alicesLinks(5));
    const whole = await measure.export('alice', 'json');
    if (whole.kind !== 'inline') throw new Error('expected an inline export');
    const { exporter, files } = anExport(alicesLinks(5), { inlineLimitBytes: Buffer.byteLength(whole.body) });

    const result = await exporter.export('alice', 'json');

    expect(result.kind).toBe('inline');
    expect(files.files.size).toBe(0);
  });

  it('given multi-byte titles, when the limit is measured, then it counts bytes written, not characters', async () => {
    const links = alicesLinks(10, () => ({ title: 'é'.repeat(100) }));
    const { exporter: measure } = anExport(links);
    const whole = await measure.export('alice', 'json');
    if (whole.kind !== 'inline') throw new Error('expected an inline export');
    const { exporter } = anExport(links, { inlineLimitBytes: whole.body.length });

    const result = await exporter.export('alice', 'json');

    expect(result.kind).toBe('stored');
  });
});

describe('escaping', () => {
  it.each([
    ['<b>', '&lt;b&gt;'],
    ['"', '&quot;'],
    ["'", '&#39;'],
    ['a & b', 'a &amp; b'],
    ['&amp;', '&amp;amp;'],
    ['one\ntwo\r', 'one&#10;two&#13;'],
  ])('given %j, when escaped, then it is %j', (text, escaped) => {
    expect(escapeHtml(text)).toBe(escaped);
  });
});
