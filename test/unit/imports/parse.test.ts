import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BookmarkEntry, BookmarkFormat, ParsedItem } from '../../../shared/imports/model.ts';
import { MAX_OPEN_ELEMENTS } from '../../../shared/imports/netscape.ts';
import { detectFormat, parseBookmarkFile } from '../../../shared/imports/parse.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/bookmarks/${name}`, import.meta.url));

/** The items of a file that must read as bookmarks (of `format`, when given). */
function itemsOf(input: Uint8Array | string, format?: BookmarkFormat): ParsedItem[] {
  const outcome = parseBookmarkFile(input, format);
  if (outcome.kind !== 'bookmarks') throw new Error(`not read as bookmarks: ${outcome.reason}`);
  return [...outcome.items];
}

const entries = (items: ParsedItem[]): BookmarkEntry[] =>
  items.flatMap((item) => (item.kind === 'entry' ? [item.entry] : []));
const errors = (items: ParsedItem[]) => items.flatMap((item) => (item.kind === 'error' ? [item.error] : []));

/** A Netscape file around `body`, its first line the DOCTYPE: `body` starts on line 2. */
const netscape = (body: string) => `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n${body}`;

describe('the files each source writes', () => {
  it("given Chrome's export, when parsed, then folders under the bookmarks bar become tags, the roots do not, and ADD_DATE is in seconds", () => {
    const read = entries(itemsOf(fixture('chrome.html')));

    expect(read.map(({ url, tags }) => ({ url, tags }))).toEqual([
      { url: 'https://go.dev/', tags: [] },
      { url: 'https://kubernetes.io/docs/home/', tags: ['dev-tools'] },
      { url: 'https://github.com/BurntSushi/ripgrep', tags: ['command-line', 'dev-tools'] },
      { url: 'https://en.wikipedia.org/wiki/Caf%C3%A9', tags: [] },
    ]);
    expect(read[0]).toMatchObject({
      line: 11,
      title: 'The Go Programming Language',
      created_at: '2023-11-14T22:13:21.000Z',
    });
    expect(read[3]!.title).toBe('Café - Wikipedia');
  });

  it("given Edge's export, when parsed, then an ADD_DATE in microseconds is the same instant and named entities decode", () => {
    const read = entries(itemsOf(fixture('edge.html')));

    expect(read[1]).toMatchObject({
      title: 'Kubernetes – Documentation',
      created_at: '2023-11-14T22:13:22.000Z',
    });
    expect(read[0]!.tags).toEqual([]);
  });

  it("given Firefox's export, when parsed, then TAGS, LAST_MODIFIED and <DD> are read and a folder's own <DD> is not taken for a bookmark's", () => {
    const read = entries(itemsOf(fixture('firefox.html')));

    expect(read).toEqual([
      expect.objectContaining({
        url: 'https://www.mozilla.org/en-US/firefox/central/',
        tags: ['help-pages', 'mozilla'],
        description: '',
        updated_at: '2023-11-14T22:13:31.000Z',
      }),
      expect.objectContaining({
        url: 'https://developer.mozilla.org/en-US/',
        description: 'Resources for developers, by developers & for everyone',
        tags: [],
      }),
      expect.objectContaining({
        url: 'https://www.seriouseats.com/',
        description: '',
        tags: ['recipes-&-cooking'],
      }),
    ]);
  });

  it("given Safari's export, with no root list and no dates, when parsed, then every bookmark reads, Favorites is no tag and the Reading List is", () => {
    const read = entries(itemsOf(fixture('safari.html')));

    expect(read.map(({ url, tags, created_at }) => ({ url, tags, created_at }))).toEqual([
      { url: 'https://www.apple.com/', tags: [], created_at: undefined },
      { url: 'https://www.theguardian.com/international', tags: ['news'], created_at: undefined },
      { url: 'https://webkit.org/blog/', tags: ['reading-list'], created_at: undefined },
    ]);
    expect(read[2]!.description).toBe('The WebKit blog: news about the web engine behind Safari');
  });

  it("given linkding's export, when parsed, then PRIVATE, TAGS, escaped titles and descriptions are read", () => {
    const read = entries(itemsOf(fixture('linkding.html')));

    expect(read.map((entry) => entry.private)).toEqual([false, true, true]);
    expect(read[0]!.tags).toEqual(['bookmarks', 'self-hosted']);
    expect(read[2]).toMatchObject({
      title: 'Notes <draft>',
      description: 'A description "quoted" & escaped',
      tags: [],
    });
  });

  it("given Pinboard's HTML export, in lower case with an unclosed <A>, when parsed, then every bookmark reads with its line", () => {
    const read = entries(itemsOf(fixture('pinboard.html')));

    expect(
      read.map(({ line, url, title, private: isPrivate }) => ({ line, url, title, private: isPrivate })),
    ).toEqual([
      { line: 5, url: 'https://pinboard.in/howto/', title: 'Pinboard: how to', private: false },
      {
        line: 7,
        url: 'https://idlewords.com/talks/website_obesity.htm',
        title: 'The Website Obesity Crisis',
        private: true,
      },
      { line: 9, url: 'http://www.paulgraham.com/avg.html', title: 'Beating the Averages', private: false },
    ]);
  });

  it("given Pinboard's JSON export, when parsed, then description is the title, extended the description, tags split on spaces, shared says public, and the javascript: post is an error with its line", () => {
    const items = itemsOf(fixture('pinboard.json'));

    expect(entries(items)[0]).toEqual({
      line: 1,
      url: 'https://pinboard.in/howto/',
      title: 'Pinboard: how to',
      description: 'The Pinboard help pages',
      tags: ['help', 'pinboard'],
      private: false,
      created_at: '2020-09-13T12:26:40.000Z',
    });
    expect(entries(items).map((entry) => entry.private)).toEqual([false, true, false]);
    expect(entries(items)[2]!.description).toBe('Lisp as a secret weapon — "Blub"');
    expect(errors(items)).toEqual([
      { line: 3, url: 'javascript:void(0)', reason: 'url: must be an absolute http or https URL' },
    ]);
  });

  it("given Raindrop's export, when parsed, then nested collections become tags with the bookmark's own", () => {
    const read = entries(itemsOf(fixture('raindrop.html')));

    expect(read.map((entry) => entry.tags)).toEqual([
      ['bookmarks', 'reading', 'tools'],
      ['long-reads', 'reading'],
      ['misc', 'unsorted'],
    ]);
    expect(read[0]!.description).toBe('A note written in Raindrop');
  });

  it("given Pocket's export, a <ul> of <a time_added tags>, when parsed, then time_added is the date and tags are read", () => {
    const read = entries(itemsOf(fixture('pocket.html')));

    expect(read.map(({ url, tags, created_at }) => ({ url, tags, created_at }))).toEqual([
      {
        url: 'https://www.theatlantic.com/technology/',
        tags: ['reading', 'tech'],
        created_at: '2022-04-15T05:20:00.000Z',
      },
      { url: 'https://longreads.com/', tags: [], created_at: '2022-04-15T05:20:01.000Z' },
      {
        url: 'https://www.ietf.org/rfc/rfc3339.txt',
        tags: ['standards'],
        created_at: '2022-04-15T05:20:02.000Z',
      },
    ]);
  });
});

describe('detecting the format', () => {
  it.each([
    ['chrome.html', 'netscape'],
    ['safari.html', 'netscape'],
    ['pocket.html', 'netscape'],
    ['pinboard.json', 'pinboard'],
  ])('given %s, when detected, then it is %s', (name, format) => {
    expect(detectFormat(fixture(name).toString('utf8'))).toBe(format);
  });

  it('given the DOCTYPE-less structure of <DT><A HREF>, when detected, then it is netscape', () => {
    expect(detectFormat('<dl><dt><a href="https://a.example/">a</a></dl>')).toBe('netscape');
  });

  it.each([
    [
      'an ordinary web page with links',
      '<!doctype html><html><body><a href="https://a.example/">a</a></body></html>',
    ],
    ['plain text', 'https://a.example/\nhttps://b.example/\n'],
    ['a JSON object', '{"href": "https://a.example/"}'],
    ['nothing', ''],
  ])('given %s, when parsed, then it is not a bookmark file, with a reason', (_, text) => {
    const outcome = parseBookmarkFile(text);

    expect(outcome.kind).toBe('notABookmarkFile');
    expect(outcome.kind === 'notABookmarkFile' && outcome.reason).toMatch(/^not a bookmark file/);
  });

  it.each([
    ['broken JSON', '[{"href": "https://a.example/"'],
    ['an array of anything but posts', '[1, 2, 3]'],
  ])('given %s, when parsed as Pinboard, then it is not a bookmark file', (_, text) => {
    expect(parseBookmarkFile(text).kind).toBe('notABookmarkFile');
  });

  it('given a format named by the caller, when parsed, then the content is read as that format', () => {
    const outcome = parseBookmarkFile('<dt><a href="https://a.example/">a</a>', 'netscape');

    expect(outcome.kind === 'bookmarks' && entries([...outcome.items]).map((entry) => entry.url)).toEqual([
      'https://a.example/',
    ]);
  });
});

describe('entries that cannot become links, and duplicates', () => {
  it('given a javascript: URL and one with no HREF, when parsed, then each is an error with its line and the rest imports', () => {
    const items = itemsOf(
      netscape(
        '<DL><p>\n<DT><A HREF="javascript:alert(document.cookie)">x</A>\n<DT><A>no href</A>\n<DT><A HREF="https://ok.example/">ok</A>\n</DL>',
      ),
    );

    expect(errors(items)).toEqual([
      {
        line: 3,
        url: 'javascript:alert(document.cookie)',
        reason: 'url: must be an absolute http or https URL',
      },
      { line: 4, reason: 'the bookmark has no URL' },
    ]);
    expect(entries(items).map((entry) => entry.url)).toEqual(['https://ok.example/']);
  });

  it('given a URL with a user name and password, when parsed, then it is an error whose quoted URL leaves them out', () => {
    const items = itemsOf(
      netscape(
        '<DT><A HREF="https://alice:s3cret@intranet.example/wiki">wiki</A>\n<DT><A HREF="https://ok.example/">ok</A>',
      ),
    );

    expect(errors(items)).toEqual([
      {
        line: 2,
        url: 'https://intranet.example/wiki',
        reason:
          'url: must not contain a user name or password (user:password@): they would be shown with the link',
      },
    ]);
    expect(JSON.stringify(items)).not.toContain('s3cret');
    expect(entries(items).map((entry) => entry.url)).toEqual(['https://ok.example/']);
  });

  it('given the same URL three times, spelled differently, when parsed, then the first is an entry and the others duplicates', () => {
    const items = itemsOf(
      netscape(
        '<DT><A HREF="https://a.example/x">1</A>\n<DT><A HREF="HTTPS://A.EXAMPLE:443/x#top">2</A>\n<DT><A HREF="https://a.example/x">3</A>',
      ),
    );

    expect(items.map((item) => item.kind)).toEqual(['entry', 'duplicate', 'duplicate']);
    expect(items[1]).toEqual({ kind: 'duplicate', line: 3, url: 'https://a.example/x#top' });
  });

  it('given a title and a description over the API limits, when parsed, then they are cut to 512 and 4,096 characters', () => {
    const [entry] = entries(
      itemsOf(netscape(`<DT><A HREF="https://a.example/">${'t'.repeat(600)}</A>\n<DD>${'d'.repeat(5000)}`)),
    );

    expect(entry!.title).toHaveLength(512);
    expect(entry!.description).toHaveLength(4096);
  });

  it('given a title, a folder and a tag whose limit falls inside an emoji, when parsed, then the emoji goes whole: no half of it is left', () => {
    const emoji = '\u{1F600}';
    const [entry] = entries(
      itemsOf(
        netscape(
          `<DL><p><DT><H3>${'f'.repeat(63)}${emoji}</H3><DL><p>\n` +
            `<DT><A HREF="https://a.example/" TAGS="${'t'.repeat(63)}${emoji}">${'a'.repeat(511)}${emoji}</A>\n` +
            `<DD>${'d'.repeat(4095)}${emoji}\n</DL><p></DL>`,
        ),
      ),
    );

    expect(entry!.title).toBe('a'.repeat(511));
    expect(entry!.description).toBe('d'.repeat(4095));
    expect(entry!.tags).toEqual(['f'.repeat(63), 't'.repeat(63)]);
  });

  it('given Pinboard JSON whose escapes hold half an emoji, when parsed, then each half is U+FFFD, as bytes that are not UTF-8 are', () => {
    const post =
      '{"href": "https://a.example/", "description": "a\\ud83d", "extended": "\\ude00b", "tags": "c\\ud83d"}';

    const [entry] = entries(itemsOf(`[${post}]`));

    expect(entry).toMatchObject({ title: 'a\uFFFD', description: '\uFFFDb', tags: ['c\uFFFD'] });
  });

  it('given tags with spaces, capitals, repeats and more than 100 of them, when parsed, then they are valid tags, unique, sorted, at most 100', () => {
    const tags = ['Read Later', 'read later', 'GO', ...Array.from({ length: 150 }, (_, i) => `t${i}`)];
    const [entry] = entries(
      itemsOf(netscape(`<DT><A HREF="https://a.example/" TAGS="${tags.join(',')}">a</A>`)),
    );

    expect(entry!.tags).toHaveLength(100);
    expect(entry!.tags.slice(0, 2)).toEqual(['go', 'read-later']);
    expect(entry!.tags).toEqual([...entry!.tags].sort());
  });

  it.each([
    ['1700000000', '2023-11-14T22:13:20.000Z'],
    ['1700000000123', '2023-11-14T22:13:20.123Z'],
    ['1700000000123456', '2023-11-14T22:13:20.123Z'],
    ['0', undefined],
    ['-5', undefined],
    ['soon', undefined],
    ['99999999999999999999', undefined],
  ])('given ADD_DATE="%s", when parsed, then created_at is %s', (addDate, createdAt) => {
    const [entry] = entries(
      itemsOf(netscape(`<DT><A HREF="https://a.example/" ADD_DATE="${addDate}">a</A>`)),
    );

    expect(entry!.created_at).toBe(createdAt);
  });

  it('given no PRIVATE attribute, when parsed, then the bookmark is private; PRIVATE="0" is public', () => {
    const read = entries(
      itemsOf(
        netscape(
          '<DT><A HREF="https://a.example/">a</A>\n<DT><A HREF="https://b.example/" PRIVATE="0">b</A>',
        ),
      ),
    );

    expect(read.map((entry) => entry.private)).toEqual([true, false]);
  });
});

/** Large files take seconds on a busy machine; the tests assert what comes out, never how fast. */
const LARGE_FILE_TIMEOUT_MS = 60_000;

describe('malformed and adversarial files', { timeout: LARGE_FILE_TIMEOUT_MS }, () => {
  it('given 10 MiB on one line (a URL that never ends), when parsed, then it is one error and the parse is bounded', () => {
    const text = netscape(`<DT><A HREF="https://a.example/${'a'.repeat(10 * 1024 * 1024)}">x</A>`);

    const items = itemsOf(text);

    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'error',
      error: { line: 2, reason: 'url: at most 2048 characters' },
    });
    expect((items[0] as { error: { url: string } }).error.url).toHaveLength(2048);
  });

  it('given a 10 MiB title, when parsed, then the entry keeps 512 characters of it', () => {
    const [entry] = entries(
      itemsOf(netscape(`<DT><A HREF="https://a.example/">${'t'.repeat(10 * 1024 * 1024)}</A>`)),
    );

    expect(entry!.title).toHaveLength(512);
  });

  it('given folders nested 10,000 deep, when parsed, then the bookmark at the bottom reads with at most 100 folder tags', () => {
    let body = '<DL><p>\n';
    for (let i = 0; i < 10_000; i++) body += `<DT><H3>f${i}</H3>\n<DL><p>\n`;
    body += '<DT><A HREF="https://deep.example/">deep</A>\n';

    const [entry] = entries(itemsOf(netscape(body)));

    expect(entry).toMatchObject({ url: 'https://deep.example/', line: 20_003 });
    expect(entry!.tags).toHaveLength(100);
    expect(entry!.tags).toContain('f0');
    expect(entry!.tags).not.toContain('f100');
  });

  it('given elements nested past the limit, when parsed, then the entries before are kept and the rest of the file is an error', () => {
    const body = `<DT><A HREF="https://before.example/">b</A>\n${'<b>'.repeat(MAX_OPEN_ELEMENTS + 10)}<DT><A HREF="https://after.example/">a</A>`;

    const items = itemsOf(netscape(body));

    expect(entries(items).map((entry) => entry.url)).toEqual(['https://before.example/']);
    expect(errors(items)).toEqual([{ line: 3, reason: expect.stringContaining('nested more than') }]);
  });

  it('given 100,000 tiny entries, when parsed, then every one reads with its own line', () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `<DT><A HREF="https://e.example/${i}">${i}</A>`);

    const read = entries(itemsOf(netscape(lines.join('\n'))));

    expect(read).toHaveLength(100_000);
    expect(read[99_999]).toMatchObject({ line: 100_001, url: 'https://e.example/99999', title: '99999' });
  });

  it('given bytes that are not UTF-8 in a title, when parsed, then they become U+FFFD and the other entries are intact', () => {
    const head = Buffer.from(netscape('<DT><A HREF="https://a.example/">caf'), 'utf8');
    const tail = Buffer.from('</A>\n<DT><A HREF="https://b.example/">Caf\u00e9</A>', 'utf8');

    const read = entries(itemsOf(Buffer.concat([head, Buffer.from([0xe9, 0xff]), tail])));

    expect(read.map((entry) => entry.title)).toEqual(['caf\ufffd\ufffd', 'Café']);
  });

  it('given a UTF-8 byte-order mark, when parsed, then the file is detected and read', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fixture('linkding.html')]);

    expect(entries(itemsOf(bytes))).toHaveLength(3);
  });

  it('given an entity bomb (a DOCTYPE defining nested entities, and thousands of references), when parsed, then nothing expands', () => {
    const definitions =
      '<!DOCTYPE bomb [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>';
    const text = `${definitions}\n<DL><DT><A HREF="https://a.example/">${'&c;'.repeat(10_000)}</A></DL>`;

    const [entry] = entries(itemsOf(text, 'netscape'));

    expect(entry!.title).toBe('&c;'.repeat(10_000).slice(0, 512));
  });

  it('given entities in the HREF, when parsed, then the URL is decoded before it is checked', () => {
    const [entry] = entries(itemsOf(netscape('<DT><A HREF="https://a.example/?x=1&amp;y=2">a</A>')));

    expect(entry!.url).toBe('https://a.example/?x=1&y=2');
  });

  it('given a <script> inside a title, when parsed, then the title is its text only', () => {
    const [entry] = entries(
      itemsOf(netscape('<DT><A HREF="https://a.example/">safe<script>alert(1)</script></A>')),
    );

    expect(entry!.title).toBe('safealert(1)');
  });

  it('given Pinboard JSON with 100,000 posts and strings holding brackets, when parsed, then each post has its own line', () => {
    const posts = Array.from({ length: 100_000 }, (_, i) =>
      JSON.stringify({ href: `https://p.example/${i}`, description: '[{"}]', tags: '', shared: 'yes' }),
    );

    const read = entries(itemsOf(`[\n${posts.join(',\n')}\n]`));

    expect(read).toHaveLength(100_000);
    expect(read[99_999]).toMatchObject({ line: 100_001, title: '[{"}]' });
  });
});
