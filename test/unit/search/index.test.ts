import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  INDEX_FORMAT,
  IndexFormatMismatch,
  LinkSearchIndex,
  MAX_TEXT_LENGTH,
} from '../../../shared/search/index.ts';
import { parseQuery } from '../../../shared/search/query.ts';
import { aLink } from '../../support/builders.ts';

const everyone = { publicOnly: false };
const publicOnly = { publicOnly: true };

function search(index: LinkSearchIndex, q: string, options = everyone): string[] {
  return index.search(parseQuery(q), options);
}

/** Three links of one user, a day apart (go.dev the oldest), one of them private and one with page text. */
function aSmallIndex(): LinkSearchIndex {
  const index = LinkSearchIndex.empty();
  index.upsert(
    aLink({
      url: 'https://go.dev/doc/effective_go',
      title: 'Effective Go',
      description: 'Tips for writing clear, idiomatic Go code.',
      tags: ['go', 'programming'],
      status: 'valid',
      created_at: '2026-01-10T09:00:00.000Z',
    }),
    'Go is a new language. Although it borrows ideas from existing languages, it has unusual properties.',
  );
  index.upsert(
    aLink({
      url: 'https://blog.rust-lang.org/2026/01/rust-2026.html',
      title: 'Rust in 2026',
      description: 'The Rust project looks ahead.',
      tags: ['rust', 'programming'],
      status: 'invalid',
      created_at: '2026-01-11T09:00:00.000Z',
    }),
  );
  index.upsert(
    aLink({
      url: 'https://example.com/recettes/creme-brulee',
      title: 'Crème brûlée',
      description: 'Le dessert préféré de Zoë',
      tags: ['café', 'cuisine'],
      private: true,
      created_at: '2026-02-01T00:00:00.000Z',
    }),
  );
  return index;
}

const GO = 'https://go.dev/doc/effective_go';
const RUST = 'https://blog.rust-lang.org/2026/01/rust-2026.html';
const CREME = 'https://example.com/recettes/creme-brulee';

describe('LinkSearchIndex: matching', () => {
  it.each<[string, string[]]>([
    ['effective', [GO]],
    ['idiomatic', [GO]],
    ['unusual', [GO]],
    ['rust', [RUST]],
    ['blog', [RUST]],
    ['recettes', [CREME]],
    ['programming', [RUST, GO]],
    ['nothing-like-this', []],
  ])(
    'given words in title, description, URL, tags or page text, when %j is searched, then %j',
    (q, expected) => {
      expect(search(aSmallIndex(), q)).toEqual(expected);
    },
  );

  it.each<[string, string[]]>([
    ['CREME', [CREME]],
    ['crème', [CREME]],
    ['Brûlée', [CREME]],
    ['zoe', [CREME]],
    ['PREFERE', [CREME]],
    ['EFFECTIVE GO', [GO]],
  ])('given accents and case, when %j is searched, then they do not matter: %j', (q, expected) => {
    expect(search(aSmallIndex(), q)).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ['"effective go"', [GO]],
    ['"go effective"', []],
    // Both words are in the link, but not side by side in one field.
    ['"tips go"', []],
    ['"idiomatic go code"', [GO]],
    ['"creme brulee"', [CREME]],
    ['rust-lang.org', [RUST]],
    ['-"effective go" programming', [RUST]],
  ])(
    'given a phrase, when %j is searched, then only links with the words side by side match: %j',
    (q, expected) => {
      expect(search(aSmallIndex(), q)).toEqual(expected);
    },
  );

  it.each<[string, string[]]>([
    ['effec', [GO]],
    ['programming rus', [RUST]],
    // Too short for a prefix: the word `ru` itself.
    ['programming ru', []],
    // Only the last word is a prefix.
    ['effec go', []],
    // A negated last word is no prefix: no link has the word `effec`.
    ['-effec', [CREME, RUST, GO]],
  ])('given a prefix as the last word, when %j is searched, then %j', (q, expected) => {
    expect(search(aSmallIndex(), q)).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ['programming -rust', [GO]],
    ['rust OR effective', [RUST, GO]],
    ['(rust OR effective) -tips', [RUST]],
    ['-programming', [CREME]],
  ])('given negations and alternatives, when %j is searched, then %j', (q, expected) => {
    expect(search(aSmallIndex(), q)).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ['tag:go', [GO]],
    ['#programming', [RUST, GO]],
    ['-tag:programming', [CREME]],
    ['tag:cafe', [CREME]],
    ['tag:gopher', []],
    ['site:go.dev', [GO]],
    ['site:rust-lang.org', [RUST]],
    ['site:lang.org', []],
    ['site:org', [RUST]],
    ['is:private', [CREME]],
    ['is:public', [RUST, GO]],
    ['is:valid', [GO]],
    ['is:invalid', [RUST]],
    ['is:pending', [CREME]],
    ['after:2026-01-11', [CREME, RUST]],
    ['before:2026-01-11', [GO]],
    ['after:2026-01-11 before:2026-02-01', [RUST]],
    ['after:2026-02-01', [CREME]],
    ['programming site:go.dev', [GO]],
  ])('given a filter, when %j is searched, then %j (newest first without words)', (q, expected) => {
    expect(search(aSmallIndex(), q)).toEqual(expected);
  });

  it('given an empty query, when searched, then every link, newest first', () => {
    expect(search(aSmallIndex(), '')).toEqual([CREME, RUST, GO]);
  });

  it('given publicOnly, when anything is searched, then a private link is never in the answer, even asked for', () => {
    const index = aSmallIndex();

    for (const q of ['', 'creme', 'is:private', 'tag:cafe', 'site:example.com', '-rust', 'creme OR rust']) {
      expect(search(index, q, publicOnly)).not.toContain(CREME);
    }
    expect(search(index, 'creme OR rust', publicOnly)).toEqual([RUST]);
  });
});

describe('LinkSearchIndex: ranking', () => {
  it('given the word in one title and in another page text, when searched, then the title comes first', () => {
    const index = LinkSearchIndex.empty();
    index.upsert(
      aLink({ url: 'https://a.example/', title: 'Notes', created_at: '2026-03-01T00:00:00.000Z' }),
      'kubernetes operators in depth',
    );
    index.upsert(
      aLink({
        url: 'https://b.example/',
        title: 'Kubernetes operators',
        created_at: '2026-01-01T00:00:00.000Z',
      }),
    );

    expect(search(index, 'kubernetes')).toEqual(['https://b.example/', 'https://a.example/']);
  });

  it('given the word in one link tags and in another description, when searched, then the tagged link comes first', () => {
    const index = LinkSearchIndex.empty();
    index.upsert(
      aLink({ url: 'https://a.example/', title: 'A', description: 'about terraform and more', tags: [] }),
    );
    index.upsert(aLink({ url: 'https://b.example/', title: 'B', tags: ['terraform'] }));

    expect(search(index, 'terraform')).toEqual(['https://b.example/', 'https://a.example/']);
  });

  it('given the word in one description and in another page text, when searched, then the description comes first', () => {
    const index = LinkSearchIndex.empty();
    index.upsert(aLink({ url: 'https://a.example/', title: 'A' }), 'a page about sqlite');
    index.upsert(aLink({ url: 'https://b.example/', title: 'B', description: 'a note about sqlite' }));

    expect(search(index, 'sqlite')).toEqual(['https://b.example/', 'https://a.example/']);
  });

  it('given one link with both alternatives and one with one, when `a OR b` is searched, then both first', () => {
    const index = LinkSearchIndex.empty();
    index.upsert(aLink({ url: 'https://a.example/', title: 'postgres' }));
    index.upsert(aLink({ url: 'https://b.example/', title: 'postgres and mysql' }));

    expect(search(index, 'postgres OR mysql')).toEqual(['https://b.example/', 'https://a.example/']);
  });
});

describe('LinkSearchIndex: updates', () => {
  it('given a link indexed with page text, when it is upserted again with its text, then both are searched anew', () => {
    const index = aSmallIndex();

    index.upsert(aLink({ url: GO, title: 'Effective Go (revised)', tags: ['go'] }), 'unusual properties');

    expect(search(index, 'unusual')).toEqual([GO]);
    expect(search(index, 'revised')).toEqual([GO]);
    expect(search(index, 'tips')).toEqual([]);
    expect(search(index, 'tag:programming')).toEqual([RUST]);
    expect(index.size).toBe(3);
  });

  it('given a link indexed with page text, when it is upserted without text, then its old text is not found', () => {
    const index = aSmallIndex();

    index.upsert(aLink({ url: GO, title: 'Effective Go' }));

    expect(search(index, 'unusual')).toEqual([]);
    expect(search(index, 'effective')).toEqual([GO]);
  });

  it('given a phrase whose words are all in the page text but apart, when searched, then it matches (the text is not stored)', () => {
    expect(search(aSmallIndex(), '"language unusual"')).toEqual([GO]);
    expect(search(aSmallIndex(), '"language absent"')).toEqual([]);
  });

  it('given many replaced links, when written and read back, then the loaded index answers as before', () => {
    const index = aSmallIndex();
    for (let round = 0; round < 5; round++) index.upsert(aLink({ url: RUST, title: `Rust ${round}` }));

    const loaded = LinkSearchIndex.fromBytes(index.toBytes());

    expect(search(loaded, 'rust')).toEqual([RUST]);
    expect(search(loaded, 'effective')).toEqual([GO]);
    expect(loaded.size).toBe(3);
  });

  it('given a link, when its page text arrives later, then its words are found and the old ones are not', () => {
    const index = aSmallIndex();

    expect(index.setText(RUST, 'The borrow checker grew smarter')).toBe(true);
    expect(search(index, 'checker')).toEqual([RUST]);

    index.setText(GO, 'nothing left of before');
    expect(search(index, 'unusual')).toEqual([]);
    expect(search(index, 'effective')).toEqual([GO]);
  });

  it('given a URL the index does not have, when its text is set, then nothing is added', () => {
    const index = aSmallIndex();

    expect(index.setText('https://unknown.example/', 'orphan words')).toBe(false);
    expect(search(index, 'orphan')).toEqual([]);
    expect(index.size).toBe(3);
  });

  it('given a link, when removed, then no query finds it, and removing it again changes nothing', () => {
    const index = aSmallIndex();

    index.remove(GO);
    index.remove(GO);

    for (const q of ['', 'effective', 'unusual', 'tag:go', 'site:go.dev', 'programming']) {
      expect(search(index, q)).not.toContain(GO);
    }
    expect(index.has(GO)).toBe(false);
    expect(index.size).toBe(2);
  });

  it('given a link made private, when searched with publicOnly, then it is gone at once', () => {
    const index = aSmallIndex();

    index.upsert(aLink({ url: RUST, title: 'Rust in 2026', private: true }));

    expect(search(index, 'rust', publicOnly)).toEqual([]);
    expect(search(index, 'rust')).toEqual([RUST]);
  });

  it('given page text longer than the bound, when indexed, then words past it are not found', () => {
    const index = LinkSearchIndex.empty();
    const text = `${'lorem '.repeat(MAX_TEXT_LENGTH / 6)}beyond`;

    index.upsert(aLink({ url: 'https://long.example/' }), text);

    expect(search(index, 'lorem')).toEqual(['https://long.example/']);
    expect(search(index, 'beyond')).toEqual([]);
  });
});

describe('LinkSearchIndex: serialization', () => {
  it('given an index, when written and read back, then every query answers the same, and updates go on', () => {
    const index = aSmallIndex();
    index.remove(RUST);
    index.upsert(
      aLink({ url: RUST, title: 'Rust again', tags: ['rust'], created_at: '2026-01-12T00:00:00.000Z' }),
    );

    const copy = LinkSearchIndex.fromBytes(index.toBytes());

    for (const q of [
      '',
      'rust',
      'effec',
      '"effective go"',
      'tag:cafe',
      'is:private',
      'site:org',
      '-go',
      'a OR rust',
    ]) {
      expect(copy.search(parseQuery(q), everyone)).toEqual(index.search(parseQuery(q), everyone));
    }
    copy.setText(RUST, 'fearless concurrency');
    copy.remove(GO);
    expect(search(copy, 'fearless')).toEqual([RUST]);
    expect(search(copy, 'effective')).toEqual([]);
    expect(copy.size).toBe(2);
  });

  it('given an index written in another format, when read, then IndexFormatMismatch (the caller rebuilds it)', () => {
    const written = aSmallIndex().toBytes();
    const otherFormat = new Uint8Array(written);
    new DataView(otherFormat.buffer).setUint32(4, INDEX_FORMAT + 1, true);

    expect(() => LinkSearchIndex.fromBytes(otherFormat)).toThrow(IndexFormatMismatch);
    // Format 2 and before: gzip-compressed JSON.
    expect(() => LinkSearchIndex.fromBytes(gzipSync('{"format":2,"index":{}}'))).toThrow(IndexFormatMismatch);
    expect(() => LinkSearchIndex.fromBytes(new Uint8Array())).toThrow(IndexFormatMismatch);
  });
});
