import MiniSearch, { type Options } from 'minisearch';
import type { Link, LinkStatus } from '../links/model.ts';
import { type LinkState, normalizeText, type Query, wordsOf } from './query.ts';
import { readStoredForm, StoredFormMismatch, writeStoredForm } from './stored-form.ts';
import { cutText } from '../text.ts';

/**
 * One user's search index over their links, on MiniSearch (BM25 over an in-memory radix tree): a word, prefix
 * or phrase is a lookup in MiniSearch, the filters are predicates over each link's stored fields, and the
 * query's tree (and, or, not) is evaluated over both here. Pure: no AWS, no clock; the caller stores toBytes()
 * (stored-form.ts: a form that loads without decoding the postings) where it likes and keeps the index fresh
 * (upsert, remove, setText) from the links stream and the checker.
 *
 * What each link keeps in the index: its stored fields are the fields of the filters and each short text field
 * (title, description, tags, URL words) as its normalized words joined by spaces, which phrases are checked
 * against. The page text is indexed but not stored: it is about half of a serialized index of pages of 10 KB,
 * and loading it is the cold search's cost. So a phrase counts as found in the page text when all of its words
 * are in that text (a lookup of the index's own terms), not necessarily side by side; in the other fields it
 * must be exact. Since the text is not kept, a link leaves the index by MiniSearch's discard, which needs only
 * its id; the terms it leaves behind are ignored by searches and dropped when the index is written (toBytes).
 * The page text is cut at MAX_TEXT_LENGTH.
 */

/** The characters of a page's readable text that are indexed (about 100 KB); the rest is ignored. */
export const MAX_TEXT_LENGTH = 100 * 1024;

/**
 * The version of what toJSON writes: bump it whenever the fields, the tokenization or the normalization
 * change, so that an index written before is rebuilt rather than searched with other rules.
 */
export const INDEX_FORMAT = 3;

/** What the index needs of a link. */
export type SearchableLink = Pick<
  Link,
  'url' | 'title' | 'description' | 'tags' | 'private' | 'status' | 'created_at'
>;

/** A link as MiniSearch indexes and stores it: text fields are normalized words joined by one space. */
interface IndexedLink {
  url: string;
  host: string;
  private: boolean;
  status: LinkStatus;
  created_at: string;
  /** Normalized (normalizeText), for `tag:` and for the tags field. */
  tags: string[];
  title: string;
  description: string;
  /** The URL's words: scheme, host and path. */
  address: string;
  /** The page's readable text (its first MAX_TEXT_LENGTH characters); empty until the checker has it. */
  text: string;
}

/** What the index keeps of a link, beside its URL (the id): all but the page text. */
type StoredLink = Omit<IndexedLink, 'url' | 'text'>;

type TextField = 'title' | 'tags' | 'description' | 'address' | 'text';
const TEXT_FIELDS: TextField[] = ['title', 'tags', 'description', 'address', 'text'];

/** Title and tags weigh most, then what the link says about itself, then the page. */
const BOOST: Record<TextField, number> = { title: 4, tags: 4, description: 2, address: 2, text: 1 };

/** The text fields kept in the stored fields, where phrases are checked exactly. */
const STORED_TEXT_FIELDS = ['title', 'tags', 'description', 'address'] as const;

const STORED_FIELDS: (keyof IndexedLink)[] = [
  'host',
  'private',
  'status',
  'created_at',
  'tags',
  'title',
  'description',
  'address',
];

const OPTIONS: Options<IndexedLink> = {
  idField: 'url',
  fields: TEXT_FIELDS,
  storeFields: STORED_FIELDS,
  // Every text field is already normalized words joined by spaces: splitting on spaces gives them back. Tags
  // (an array, which becomes `a,b`) are split into words as any text is. Queries reach MiniSearch as
  // normalized words.
  tokenize: (text, field) => (field === 'tags' ? wordsOf(text) : text.split(' ')),
  processTerm: (term) => term || null,
  // Links are discarded (their text is not kept to remove them with); writing the index drops what they left,
  // rather than a vacuum on a timer in the background that a Lambda invocation may freeze halfway.
  autoVacuum: false,
  searchOptions: { boost: BOOST },
};

/** The stored index was written in another format (INDEX_FORMAT) and must be rebuilt from the links. */
export class IndexFormatMismatch extends Error {
  constructor(readonly found: number | undefined) {
    super(`search index format ${String(found)}, expected ${INDEX_FORMAT}`);
    this.name = 'IndexFormatMismatch';
  }
}

/** A link found, with what places it in the order of results. */
export interface RankedLink {
  url: string;
  score: number;
  createdAt: string;
}

/** The order of results: best score first, ties newest first, then by URL. */
export function rankOrder(a: RankedLink, b: RankedLink): number {
  return b.score - a.score || compare(b.createdAt, a.createdAt) || compare(a.url, b.url);
}

export interface SearchOptions {
  /** Only public links: the public route's answer, whatever the query asks (`is:private` finds nothing). */
  publicOnly: boolean;
}

export class LinkSearchIndex {
  private constructor(private readonly engine: MiniSearch<IndexedLink>) {}

  static empty(): LinkSearchIndex {
    return new LinkSearchIndex(new MiniSearch(OPTIONS));
  }

  /**
   * Loads what toBytes wrote, each term's postings decoded when a search first reads them; throws
   * IndexFormatMismatch if it was written in another format (or by an older version, as JSON).
   */
  static fromBytes(bytes: Uint8Array): LinkSearchIndex {
    try {
      return new LinkSearchIndex(readStoredForm(bytes, INDEX_FORMAT, OPTIONS));
    } catch (error) {
      if (error instanceof StoredFormMismatch) throw new IndexFormatMismatch(error.found);
      throw error;
    }
  }

  /** The index in its stored form, without what removed and replaced links left behind. */
  toBytes(): Uint8Array {
    return writeStoredForm(this.engine, INDEX_FORMAT);
  }

  /** MiniSearch's own serialization, the stored form of INDEX_FORMAT 2 (the benchmark compares the two). */
  toMiniSearchJSON(): string {
    return JSON.stringify(this.engine);
  }

  /** Loads what toMiniSearchJSON wrote (the benchmark's comparison). */
  static fromMiniSearchJSON(json: string): LinkSearchIndex {
    return new LinkSearchIndex(MiniSearch.loadJSON(json, OPTIONS));
  }

  get size(): number {
    return this.engine.documentCount;
  }

  has(url: string): boolean {
    return this.engine.has(url);
  }

  /** Adds a link, or replaces what the index knows of it, with its page text (none yet: empty). */
  upsert(link: SearchableLink, text = ''): void {
    this.discard(link.url);
    this.engine.add({
      url: link.url,
      host: hostOf(link.url),
      private: link.private,
      status: link.status,
      created_at: link.created_at,
      tags: link.tags.map(normalizeText),
      title: joinedWords(link.title),
      description: joinedWords(link.description),
      address: joinedWords(link.url),
      text: joinedWords(cutText(text, MAX_TEXT_LENGTH)),
    });
  }

  /** Sets the page text of a link the index has; false (and nothing changes) if it has no such link. */
  setText(url: string, text: string): boolean {
    const current = this.stored(url);
    if (!current) return false;
    this.engine.discard(url);
    this.engine.add({ ...current, url, text: joinedWords(cutText(text, MAX_TEXT_LENGTH)) });
    return true;
  }

  remove(url: string): void {
    this.discard(url);
  }

  /**
   * The URLs of the links that match, best match first when the query has words to match (a link's score is
   * the sum of its words' BM25 scores, field boosts included), else newest first; ties newest first, then by URL.
   */
  search(query: Query, options: SearchOptions): string[] {
    return this.ranked(query, options).map((hit) => hit.url);
  }

  /** As search, with each link's place in the order: its score and created_at. */
  ranked(query: Query, options: SearchOptions): RankedLink[] {
    const lookups = new Lookups(this.engine);
    const ranked = hasPositiveWords(query);
    const hits: RankedLink[] = [];
    for (const url of candidates(query, lookups) ?? this.allUrls()) {
      const link = this.engine.getStoredFields(url) as StoredLink | undefined;
      if (!link || (options.publicOnly && link.private)) continue;
      const score = scoreOf(query, url, link, lookups);
      if (score === undefined) continue;
      hits.push({ url, score: ranked ? score : 0, createdAt: link.created_at });
    }
    hits.sort(rankOrder);
    return hits;
  }

  private stored(url: string): StoredLink | undefined {
    return this.engine.getStoredFields(url) as StoredLink | undefined;
  }

  private discard(url: string): void {
    if (this.engine.has(url)) this.engine.discard(url);
  }

  private allUrls(): string[] {
    return this.engine.search(MiniSearch.wildcard).map((result) => result.id as string);
  }
}

/**
 * The MiniSearch lookups of one search: each word, prefix and phrase is looked up once (a phrase as all of
 * its words, confirmed later on the stored fields), with the score of each link it found.
 */
class Lookups {
  private readonly results = new Map<string, Map<string, number>>();

  constructor(private readonly engine: MiniSearch<IndexedLink>) {}

  /** The links a word, prefix or phrase's words are found in, with their scores. */
  found(query: Extract<Query, { kind: 'word' | 'prefix' | 'phrase' }>): Map<string, number> {
    const key = JSON.stringify(query);
    let found = this.results.get(key);
    if (!found) {
      const terms = query.kind === 'word' ? query.word : query.kind === 'prefix' ? query.prefix : query.words;
      const results = this.engine.search(
        { queries: typeof terms === 'string' ? [terms] : terms, combineWith: 'AND' },
        { prefix: query.kind === 'prefix' },
      );
      found = new Map(results.map((result) => [result.id as string, result.score]));
      this.results.set(key, found);
    }
    return found;
  }

  /** The links whose page text has all the words. */
  inText(words: string[]): Map<string, number> {
    const key = `text:${JSON.stringify(words)}`;
    let found = this.results.get(key);
    if (!found) {
      const results = this.engine.search({ queries: words, combineWith: 'AND' }, { fields: ['text'] });
      found = new Map(results.map((result) => [result.id as string, result.score]));
      this.results.set(key, found);
    }
    return found;
  }
}

/**
 * The links that can match, from the index alone, or undefined when it cannot narrow them down (a filter or
 * a negation alone, which any link may satisfy): then every link is a candidate.
 */
function candidates(query: Query, lookups: Lookups): Iterable<string> | undefined {
  switch (query.kind) {
    case 'word':
    case 'prefix':
    case 'phrase':
      return lookups.found(query).keys();
    case 'and': {
      // Any narrowed part bounds the whole: the smallest one is enough.
      const narrowed = query.queries
        .map((part) => candidates(part, lookups))
        .filter((part) => part !== undefined)
        .map((part) => [...part]);
      return narrowed.sort((a, b) => a.length - b.length)[0];
    }
    case 'or': {
      const parts = query.queries.map((part) => candidates(part, lookups));
      if (parts.some((part) => part === undefined)) return undefined;
      return new Set(parts.flatMap((part) => [...part!]));
    }
    default:
      return undefined;
  }
}

/**
 * Whether a link matches: undefined if it does not, else the score its matching words give it (0 for a
 * filter; a negation matches with 0, so excluded words never raise a score).
 */
function scoreOf(query: Query, url: string, link: StoredLink, lookups: Lookups): number | undefined {
  switch (query.kind) {
    case 'all':
      return 0;
    case 'word':
    case 'prefix':
    case 'phrase': {
      const score = lookups.found(query).get(url);
      if (query.kind === 'phrase' && score !== undefined && !holdsPhrase(url, link, query.words, lookups))
        return undefined;
      return score;
    }
    case 'not':
      return scoreOf(query.query, url, link, lookups) === undefined ? 0 : undefined;
    case 'and': {
      let total = 0;
      for (const part of query.queries) {
        const score = scoreOf(part, url, link, lookups);
        if (score === undefined) return undefined;
        total += score;
      }
      return total;
    }
    case 'or': {
      // Each alternative that matches adds its words: a link matching both `a OR b` ranks above one with a.
      const scores = query.queries.map((part) => scoreOf(part, url, link, lookups));
      const matched = scores.filter((score) => score !== undefined);
      return matched.length === 0 ? undefined : matched.reduce((sum, score) => sum + score, 0);
    }
    default:
      return holdsFilter(query, link) ? 0 : undefined;
  }
}

function holdsFilter(
  query: Extract<Query, { kind: 'tag' | 'site' | 'is' | 'after' | 'before' }>,
  link: StoredLink,
) {
  switch (query.kind) {
    case 'tag':
      return link.tags.includes(query.tag);
    case 'site':
      return link.host === query.host || link.host.endsWith(`.${query.host}`);
    case 'is':
      return matchesState(link, query.state);
    case 'after':
      // created_at is an ISO timestamp: it sorts as text, and `2026-01-01T...` is not before `2026-01-01`.
      return link.created_at >= query.date;
    case 'before':
      return link.created_at < query.date;
  }
}

function matchesState(link: StoredLink, state: LinkState): boolean {
  switch (state) {
    case 'private':
      return link.private;
    case 'public':
      return !link.private;
    default:
      return link.status === state;
  }
}

/**
 * The phrase's words side by side in one of the stored fields (never across two), or all of them in the page
 * text, which is not stored (see the comment at the top).
 */
function holdsPhrase(url: string, link: StoredLink, words: string[], lookups: Lookups): boolean {
  const phrase = words.join(' ');
  const exact = STORED_TEXT_FIELDS.some((field) =>
    containsWords(field === 'tags' ? joinedWords(link.tags.join(' ')) : link[field], phrase),
  );
  return exact || lookups.inText(words).has(url);
}

/** Whether words joined by spaces hold the phrase as whole words; without copying the (up to 100 KB) text. */
function containsWords(words: string, phrase: string): boolean {
  for (let at = words.indexOf(phrase); at !== -1; at = words.indexOf(phrase, at + 1)) {
    const end = at + phrase.length;
    if ((at === 0 || words[at - 1] === ' ') && (end === words.length || words[end] === ' ')) return true;
  }
  return false;
}

/** Whether the ranking has words to go by: some word, prefix or phrase that is not negated. */
function hasPositiveWords(query: Query): boolean {
  switch (query.kind) {
    case 'word':
    case 'prefix':
    case 'phrase':
      return true;
    case 'and':
    case 'or':
      return query.queries.some(hasPositiveWords);
    default:
      return false;
  }
}

/** Code-unit order: ISO timestamps and URLs compare as stored, whatever the locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function joinedWords(text: string): string {
  return wordsOf(text).join(' ');
}

function hostOf(url: string): string {
  return URL.canParse(url) ? new URL(url).hostname.replace(/\.$/u, '') : '';
}
