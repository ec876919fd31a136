import { InvalidRequest } from '../errors.ts';

/**
 * The search query language of the contract (api.md, "Search (`q`)"): a tokenizer that remembers where each
 * token starts, and a recursive-descent parser over this grammar:
 *
 *   query    := sequence EOF
 *   sequence := either*                        terms side by side must all match (an implied AND)
 *   either   := unary ( "OR" unary )*          so `a b OR c` is `a AND (b OR c)`: OR binds tighter
 *   unary    := "-" unary | primary            `-` excludes what follows it
 *   primary  := PHRASE                         "an exact phrase" (straight or curly quotes)
 *             | "(" sequence ")"               grouping, as in `(go OR rust) -tutorial`
 *             | WORD                           a filter (`tag:go`, `#go`, `site:`, `is:`, `after:`, `before:`)
 *                                              or a plain word
 *
 * A WORD runs up to whitespace, a quote or a parenthesis. Decisions on the edges:
 * - `OR` (upper case) is the operator only between two terms; anywhere else (`OR`, `a OR`, `OR a`) it is the
 *   word "or". Lower-case `or` is always a word.
 * - `-` negates only when it starts a token and touches what follows (`-word`, `-"a phrase"`, `-tag:go`,
 *   `-(a OR b)`); inside a word (`e-mail`) it is part of the word, and a `-` standing alone is punctuation.
 * - A plain word is split the way documents are (normalizeText, then letters and digits): one piece is a word,
 *   several (`node.js`, `e-mail`, `https://go.dev`) a phrase of the pieces, none (`&`, a lone `-`) nothing.
 *   Terms without any word (`""`, `()`, `-&`) drop out; a query with no term left is `{ kind: 'all' }`, which
 *   matches every link (newest first).
 * - The query's last token, when it is a plain one-piece word that is not negated, also matches as a prefix
 *   (`{ kind: 'prefix' }`) if it has at least MIN_PREFIX_LENGTH characters: the search box is being typed in.
 * - An unknown `name:value` (`http://...`, `foo:bar`) is a plain word. Filter names are case-insensitive.
 * Malformed input throws InvalidQuery (400) naming the problem and its offset (0-based, in UTF-16 code units
 * as JavaScript counts them): an unclosed quote or parenthesis, a stray `)`, a filter without a value, a bad
 * date, an unknown `is:` value, a site that is no host, and a query longer or with more terms than the bounds.
 */

export const MAX_QUERY_LENGTH = 512;
/** Words, phrases and filters together: each one is a lookup in the index. */
export const MAX_QUERY_TERMS = 32;
/** Parentheses and negations inside each other. */
export const MAX_QUERY_DEPTH = 8;
/** A shorter last word is matched as it is: `go` means Go, and a prefix of two letters expands to much of the vocabulary. */
export const MIN_PREFIX_LENGTH = 3;

export const LINK_STATES = ['private', 'public', 'valid', 'invalid', 'pending'] as const;
export type LinkState = (typeof LINK_STATES)[number];

/** A parsed query. Words, prefixes, phrases and tags are normalized (normalizeText). */
export type Query =
  | { kind: 'all' }
  | { kind: 'word'; word: string }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'phrase'; words: string[] }
  | { kind: 'tag'; tag: string }
  /** That host and its subdomains; in the form URLs are stored in (lower case, punycode). */
  | { kind: 'site'; host: string }
  | { kind: 'is'; state: LinkState }
  /** created_at on or after the day (UTC): `after:2026-01-01` includes January 1st. */
  | { kind: 'after'; date: string }
  /** created_at before the day (UTC): `before:2026-02-01` stops at the end of January 31st. */
  | { kind: 'before'; date: string }
  | { kind: 'not'; query: Query }
  | { kind: 'or'; queries: Query[] }
  | { kind: 'and'; queries: Query[] };

/** A malformed query: a 400 whose details name the field `q`, with where the problem starts. */
export class InvalidQuery extends InvalidRequest {
  constructor(
    readonly problem: string,
    readonly position: number,
  ) {
    const described = `${problem} (at offset ${position})`;
    super(`Invalid query: ${described}.`, { q: described });
  }
}

/**
 * The one normalization of documents and queries: lower case, compatibility decomposition (NFKD: `ﬁ` is `fi`,
 * `é` is `e` and a combining accent), and combining marks dropped, so matching ignores case and accents.
 * Lower-casing comes first because it can itself produce combining marks (`İ` lower-cases to `i` and a dot).
 */
export function normalizeText(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
}

/** The words of a text as the index and the queries see them: runs of letters and digits, once normalized. */
export function wordsOf(text: string): string[] {
  return normalizeText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** Parses `q`; throws InvalidQuery when it is malformed. */
export function parseQuery(input: string): Query {
  if (input.length > MAX_QUERY_LENGTH) {
    throw new InvalidQuery(`the query is longer than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH);
  }
  const query = new Parser(tokenize(input)).parse();
  const terms = countTerms(query);
  if (terms > MAX_QUERY_TERMS) {
    throw new InvalidQuery(`the query has ${terms} terms, more than ${MAX_QUERY_TERMS}`, 0);
  }
  return query;
}

type Token =
  | { type: 'word'; text: string; at: number }
  | { type: 'phrase'; text: string; at: number }
  | { type: 'not'; at: number }
  | { type: 'or'; at: number }
  | { type: 'open'; at: number }
  | { type: 'close'; at: number }
  | { type: 'end'; at: number };

const QUOTES = new Set(['"', '“', '”']);
const isSpace = (char: string | undefined) => char !== undefined && /\s/u.test(char);
const endsWord = (char: string | undefined) =>
  char === undefined || isSpace(char) || QUOTES.has(char) || char === '(' || char === ')';
/** What may follow a `-` that negates: anything that starts a term. */
const startsNegated = (char: string | undefined) => char !== undefined && !isSpace(char) && char !== ')';

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < input.length) {
    const char = input[at]!;
    if (isSpace(char)) {
      at++;
    } else if (QUOTES.has(char)) {
      let end = at + 1;
      while (end < input.length && !QUOTES.has(input[end]!)) end++;
      if (end >= input.length) throw new InvalidQuery('unclosed quote', at);
      tokens.push({ type: 'phrase', text: input.slice(at + 1, end), at });
      at = end + 1;
    } else if (char === '(' || char === ')') {
      tokens.push({ type: char === '(' ? 'open' : 'close', at });
      at++;
    } else if (char === '-' && startsNegated(input[at + 1])) {
      tokens.push({ type: 'not', at });
      at++;
    } else {
      let end = at;
      while (!endsWord(input[end])) end++;
      const text = input.slice(at, end);
      tokens.push(text === 'OR' ? { type: 'or', at } : { type: 'word', text, at });
      at = end;
    }
  }
  tokens.push({ type: 'end', at: input.length });
  return tokens;
}

const FILTER = /^(tag|site|is|after|before):(.*)$/isu;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/u;

class Parser {
  private next = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Query {
    const query = this.sequence();
    const token = this.peek();
    if (token.type === 'close') throw new InvalidQuery("')' without a matching '('", token.at);
    return query ?? { kind: 'all' };
  }

  /** Terms until the end or a `)`; null when none of them has a word. */
  private sequence(): Query | null {
    const terms: Query[] = [];
    while (this.peek().type !== 'end' && this.peek().type !== 'close') {
      const term = this.either();
      if (term) terms.push(term);
    }
    return combine('and', terms);
  }

  private either(): Query | null {
    const alternatives: (Query | null)[] = [this.unary()];
    while (this.peek().type === 'or' && startsTerm(this.peek(1))) {
      this.take();
      alternatives.push(this.unary());
    }
    return combine(
      'or',
      alternatives.filter((alternative) => alternative !== null),
    );
  }

  private unary(): Query | null {
    const token = this.peek();
    if (token.type !== 'not') return this.primary();
    this.take();
    const negated = this.nested(token.at, () => this.unary());
    return negated && { kind: 'not', query: negated };
  }

  private primary(): Query | null {
    const token = this.take();
    switch (token.type) {
      case 'phrase':
        return wordsQuery(wordsOf(token.text));
      case 'open': {
        const group = this.nested(token.at, () => this.sequence());
        if (this.take().type !== 'close') throw new InvalidQuery("unclosed '('", token.at);
        return group;
      }
      case 'or':
        return this.plainWord('OR');
      case 'word':
        return this.word(token.text, token.at);
      default:
        // `sequence` stops at `)` and the end, and `either` takes OR only before a term: never reached.
        throw new InvalidQuery('a term was expected', token.at);
    }
  }

  private word(text: string, at: number): Query | null {
    if (text.startsWith('#')) return { kind: 'tag', tag: tagValue(text.slice(1), '#', at + 1) };
    const filter = FILTER.exec(text);
    if (!filter) return this.plainWord(text);
    const name = filter[1]!.toLowerCase();
    const value = filter[2]!;
    const valueAt = at + name.length + 1;
    if (value === '') throw new InvalidQuery(`${name}: needs a value`, valueAt);
    switch (name) {
      case 'tag':
        return { kind: 'tag', tag: tagValue(value, 'tag:', valueAt) };
      case 'site':
        return { kind: 'site', host: hostValue(value, valueAt) };
      case 'is':
        return { kind: 'is', state: stateValue(value, valueAt) };
      default:
        return { kind: name as 'after' | 'before', date: dateValue(name, value, valueAt) };
    }
  }

  private plainWord(text: string): Query | null {
    const words = wordsOf(text);
    const isLast = this.peek().type === 'end' && this.tokens[this.next - 2]?.type !== 'not';
    if (words.length === 1 && isLast && words[0]!.length >= MIN_PREFIX_LENGTH) {
      return { kind: 'prefix', prefix: words[0]! };
    }
    return wordsQuery(words);
  }

  private nested<T>(at: number, parse: () => T): T {
    if (++this.depth > MAX_QUERY_DEPTH) {
      throw new InvalidQuery(`more than ${MAX_QUERY_DEPTH} levels of parentheses and negations`, at);
    }
    const result = parse();
    this.depth--;
    return result;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.next + ahead, this.tokens.length - 1)]!;
  }

  private take(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.next++;
    return token;
  }
}

function startsTerm(token: Token): boolean {
  return token.type === 'word' || token.type === 'phrase' || token.type === 'not' || token.type === 'open';
}

function combine(kind: 'and' | 'or', queries: Query[]): Query | null {
  if (queries.length === 0) return null;
  if (queries.length === 1) return queries[0]!;
  return { kind, queries };
}

function wordsQuery(words: string[]): Query | null {
  if (words.length === 0) return null;
  if (words.length === 1) return { kind: 'word', word: words[0]! };
  return { kind: 'phrase', words };
}

/** Tags are stored lower-cased; both sides are normalized so that `tag:Café` finds `café` and `cafe`. */
function tagValue(value: string, name: string, at: number): string {
  const tag = normalizeText(value);
  if (tag === '') throw new InvalidQuery(`${name} needs a tag`, at);
  if (tag.includes(',')) throw new InvalidQuery('a tag has no commas', at);
  return tag;
}

/** A host (`example.com`), or a URL whose host is meant; in the form stored URLs have it (punycode). */
function hostValue(value: string, at: number): string {
  const withoutWildcard = value.replace(/^\*\./u, '');
  const candidate = withoutWildcard.includes('://') ? withoutWildcard : `http://${withoutWildcard}`;
  const host = URL.canParse(candidate) ? new URL(candidate).hostname.replace(/\.$/u, '') : '';
  if (!/[\p{L}\p{N}]/u.test(host)) throw new InvalidQuery(`site: needs a host name, not "${value}"`, at);
  return host;
}

function stateValue(value: string, at: number): LinkState {
  const state = LINK_STATES.find((known) => known === value.toLowerCase());
  if (!state) throw new InvalidQuery(`is: takes ${LINK_STATES.join(', ')}, not "${value}"`, at);
  return state;
}

/** A real calendar day, YYYY-MM-DD. */
function dateValue(name: string, value: string, at: number): string {
  const parts = DATE.exec(value);
  const day = parts ? new Date(`${value}T00:00:00.000Z`) : undefined;
  const real =
    day !== undefined &&
    !Number.isNaN(day.getTime()) &&
    day.getUTCFullYear() === Number(parts![1]) &&
    day.getUTCMonth() + 1 === Number(parts![2]) &&
    day.getUTCDate() === Number(parts![3]);
  if (!real) throw new InvalidQuery(`${name}: takes a date YYYY-MM-DD, not "${value}"`, at);
  return value;
}

function countTerms(query: Query): number {
  switch (query.kind) {
    case 'all':
      return 0;
    case 'not':
      return countTerms(query.query);
    case 'and':
    case 'or':
      return query.queries.reduce((sum, part) => sum + countTerms(part), 0);
    default:
      return 1;
  }
}
