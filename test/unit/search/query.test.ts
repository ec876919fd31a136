import { describe, expect, it } from 'vitest';
import { InvalidRequest } from '../../../shared/errors.ts';
import { toHttpError } from '../../../shared/http/errors.ts';
import {
  InvalidQuery,
  MAX_QUERY_DEPTH,
  MAX_QUERY_LENGTH,
  MAX_QUERY_TERMS,
  normalizeText,
  parseQuery,
  type Query,
  wordsOf,
} from '../../../shared/search/query.ts';

const word = (text: string): Query => ({ kind: 'word', word: text });
const prefix = (text: string): Query => ({ kind: 'prefix', prefix: text });
const phrase = (...words: string[]): Query => ({ kind: 'phrase', words });
const not = (query: Query): Query => ({ kind: 'not', query });
const and = (...queries: Query[]): Query => ({ kind: 'and', queries });
const or = (...queries: Query[]): Query => ({ kind: 'or', queries });

function failureOf(input: string): InvalidQuery {
  try {
    parseQuery(input);
  } catch (error) {
    if (error instanceof InvalidQuery) return error;
    throw error;
  }
  throw new Error(`"${input}" was accepted`);
}

describe('parseQuery', () => {
  it.each<[string, Query]>([
    ['golang', prefix('golang')],
    ['golang tutorial', and(word('golang'), prefix('tutorial'))],
    ['"effective go"', phrase('effective', 'go')],
    ['-java', not(word('java'))],
    ['-"hello world"', not(phrase('hello', 'world'))],
    ['go OR rust', or(word('go'), prefix('rust'))],
    ['tag:go', { kind: 'tag', tag: 'go' }],
    ['#go', { kind: 'tag', tag: 'go' }],
    ['-tag:go', not({ kind: 'tag', tag: 'go' })],
    ['-#go', not({ kind: 'tag', tag: 'go' })],
    ['site:example.com', { kind: 'site', host: 'example.com' }],
    ['site:https://Example.COM/blog', { kind: 'site', host: 'example.com' }],
    ['site:*.example.com', { kind: 'site', host: 'example.com' }],
    ['is:private', { kind: 'is', state: 'private' }],
    ['is:Public', { kind: 'is', state: 'public' }],
    ['is:valid', { kind: 'is', state: 'valid' }],
    ['is:invalid', { kind: 'is', state: 'invalid' }],
    ['is:pending', { kind: 'is', state: 'pending' }],
    ['after:2026-01-01', { kind: 'after', date: '2026-01-01' }],
    ['before:2026-02-01', { kind: 'before', date: '2026-02-01' }],
    ['TAG:Go', { kind: 'tag', tag: 'go' }],
  ])('given the operator in %j, when parsed, then %j', (input, expected) => {
    expect(parseQuery(input)).toEqual(expected);
  });

  it.each<[string, Query]>([
    ['a b OR c ddd', and(word('a'), or(word('b'), word('c')), prefix('ddd'))],
    ['a OR b OR c xyz', and(or(word('a'), word('b'), word('c')), prefix('xyz'))],
    ['(go OR rust) -tutorial', and(or(word('go'), word('rust')), not(word('tutorial')))],
    ['-(a b)', not(and(word('a'), word('b')))],
    ['((a OR "b c") -d) eee', and(and(or(word('a'), phrase('b', 'c')), not(word('d'))), prefix('eee'))],
    ['--a', not(not(word('a')))],
    ['a OR -b', or(word('a'), not(word('b')))],
    [
      'tag:go OR #rust site:go.dev',
      and(or({ kind: 'tag', tag: 'go' }, { kind: 'tag', tag: 'rust' }), { kind: 'site', host: 'go.dev' }),
    ],
  ])(
    'given the nesting %j, when parsed, then OR binds tighter than the implied AND: %j',
    (input, expected) => {
      expect(parseQuery(input)).toEqual(expected);
    },
  );

  it.each<[string, Query]>([
    ['', { kind: 'all' }],
    ['   ', { kind: 'all' }],
    ['""', { kind: 'all' }],
    ['()', { kind: 'all' }],
    ['-', { kind: 'all' }],
    ['& -&', { kind: 'all' }],
    ['OR', word('or')],
    ['OR go', and(word('or'), word('go'))],
    ['go OR', and(word('go'), word('or'))],
    // Shorter than MIN_PREFIX_LENGTH: the word itself.
    ['go', word('go')],
    ['effective GO', and(word('effective'), word('go'))],
    ['a OR OR bbb', and(word('a'), or(word('or'), prefix('bbb')))],
    ['cats or dogs', and(word('cats'), word('or'), prefix('dogs'))],
    ['e-mail', phrase('e', 'mail')],
    ['node.js', phrase('node', 'js')],
    ['http://go.dev/doc', phrase('http', 'go', 'dev', 'doc')],
    ['foo:bar', phrase('foo', 'bar')],
    ['go -', word('go')],
    ['a', word('a')],
    ['go -tutorial', and(word('go'), not(word('tutorial')))],
    ['"unfinished go"', phrase('unfinished', 'go')],
    ['say"hello world"', and(word('say'), phrase('hello', 'world'))],
    ['“curly quotes”', phrase('curly', 'quotes')],
  ])('given the edge case %j, when parsed, then %j', (input, expected) => {
    expect(parseQuery(input)).toEqual(expected);
  });

  it.each<[string, Query]>([
    ['Café', prefix('cafe')],
    ['ÉCOLE', prefix('ecole')],
    ['"Crème Brûlée"', phrase('creme', 'brulee')],
    ['ﬁle', prefix('file')],
    ['tag:Café', { kind: 'tag', tag: 'cafe' }],
    ['site:bücher.de', { kind: 'site', host: 'xn--bcher-kva.de' }],
    ['東京都', prefix('東京都')],
    ['İstanbul', prefix('istanbul')],
  ])('given unicode %j, when parsed, then it is normalized: %j', (input, expected) => {
    expect(parseQuery(input)).toEqual(expected);
  });

  it.each<[string, string, number]>([
    ['go "effective', 'unclosed quote', 3],
    ['a (b OR c', "unclosed '('", 2],
    ['a b)', "')' without a matching '('", 3],
    ['tag:', 'tag: needs a value', 4],
    ['go #', '# needs a tag', 4],
    ['is:deleted', 'is: takes private, public, valid, invalid, pending, not "deleted"', 3],
    ['x after:2026-13-01', 'after: takes a date YYYY-MM-DD, not "2026-13-01"', 8],
    ['before:2026-02-30', 'before: takes a date YYYY-MM-DD, not "2026-02-30"', 7],
    ['before:yesterday', 'before: takes a date YYYY-MM-DD, not "yesterday"', 7],
    ['site:/', 'site: needs a host name, not "/"', 5],
    ['tag:a,b', 'a tag has no commas', 4],
  ])(
    'given the malformed %j, when parsed, then InvalidQuery names %j at offset %i',
    (input, problem, position) => {
      const error = failureOf(input);

      expect(error).toBeInstanceOf(InvalidRequest);
      expect(error.problem).toBe(problem);
      expect(error.position).toBe(position);
      expect(error.details).toEqual({ q: `${problem} (at offset ${position})` });
    },
  );

  it('given a malformed query, when its error becomes HTTP, then a 400 invalid_request whose details name q', () => {
    const answer = toHttpError(failureOf('"open'));

    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: 'invalid_request',
      message: 'Invalid query: unclosed quote (at offset 0).',
      details: { q: 'unclosed quote (at offset 0)' },
    });
  });

  it('given a query at the length bound, when parsed, then it is accepted; one character more is refused', () => {
    const longest = 'a '.repeat(MAX_QUERY_LENGTH / 2 - 1) + 'ab';
    expect(longest).toHaveLength(MAX_QUERY_LENGTH);
    // Repeated words are still terms: bound the query by length only here.
    expect(() => parseQuery(`"${'w '.repeat(MAX_QUERY_LENGTH / 2 - 2)}"`)).not.toThrow();

    expect(failureOf(`${longest}x`).problem).toBe(`the query is longer than ${MAX_QUERY_LENGTH} characters`);
  });

  it('given as many terms as the bound, when parsed, then accepted; one more term is refused', () => {
    const terms = (count: number) => Array.from({ length: count }, (_, i) => `w${i}`).join(' ');

    expect(() => parseQuery(terms(MAX_QUERY_TERMS))).not.toThrow();
    expect(failureOf(terms(MAX_QUERY_TERMS + 1)).problem).toBe(
      `the query has ${MAX_QUERY_TERMS + 1} terms, more than ${MAX_QUERY_TERMS}`,
    );
  });

  it('given groups nested as deep as the bound, when parsed, then accepted; one level more is refused', () => {
    const nested = (depth: number) => `${'('.repeat(depth)}a${')'.repeat(depth)}`;

    expect(parseQuery(nested(MAX_QUERY_DEPTH))).toEqual(word('a'));
    expect(failureOf(nested(MAX_QUERY_DEPTH + 1))).toMatchObject({
      problem: `more than ${MAX_QUERY_DEPTH} levels of parentheses and negations`,
      position: MAX_QUERY_DEPTH,
    });
  });
});

describe('normalizeText and wordsOf', () => {
  it('given text in any case and with accents, when normalized, then lower case without combining marks', () => {
    expect(normalizeText('Ça Déjà Vu, NAÏVE ﬁancée')).toBe('ca deja vu, naive fiancee');
  });

  it('given normalized text, when normalized again, then it is unchanged (documents and queries agree)', () => {
    for (const text of ['İstanbul Straße', 'Ǆemal ½ ＡＢＣ', 'crème brûlée']) {
      const once = normalizeText(text);
      expect(normalizeText(once)).toBe(once);
    }
  });

  it('given text with punctuation, when split into words, then runs of letters and digits', () => {
    expect(wordsOf('Hello, World! node.js e-mail ＡＢＣ 2026')).toEqual([
      'hello',
      'world',
      'node',
      'js',
      'e',
      'mail',
      'abc',
      '2026',
    ]);
  });
});
