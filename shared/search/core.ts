import * as z from '../zod.ts';
import { NotFound, UnavailableForAWhile } from '../errors.ts';
import { LinkFilter, RegexBudget, type LinkFilterInput } from '../links/filter.ts';
import type { Link } from '../links/model.ts';
import type { PageTokens } from '../pagination.ts';
import { type RankedLink, rankOrder } from './index.ts';
import { parseQuery } from './query.ts';
import type { LinksForSearch, SearchIndexStore, SearchRebuilds, StoredIndex } from './ports.ts';

/** A search examines at most this many ranked links per page, then hands back a token to go on from. */
export const SEARCH_SCAN_BUDGET = 1000;
/** The regex filters' time per page, as the plain listing spends it (links/core.ts). */
const REGEX_TIME_BUDGET_MS = 150;
/** The links confirmed at once: one BatchGetItem's worth. */
const CONFIRMED_AT_ONCE = 100;
/** Indexes kept in memory per process: a warm instance serves few users, and an index can be large. */
export const CACHED_INDEXES = 4;
/** When a search of an index being rebuilt may try again: the updater builds most indexes in a few seconds. */
export const REBUILD_RETRY_AFTER_SECONDS = 10;

export interface SearchRequest {
  /** The query (query.ts); a malformed one is a 400 with its position. */
  q: string;
  /** The public route: only public links, whoever asks. */
  publicOnly: boolean;
  /** The listing's other filters, applied to the links the search found. */
  filter: LinkFilterInput;
  startToken?: string | undefined;
  limit: number;
}

export interface SearchPage {
  links: Link[];
  nextToken: string | null;
}

/**
 * The position a search token carries: how far into the ranked list the next page starts, the version (ETag) of
 * the index that ranked it, and the last link examined with its place in the order.
 */
const searchPosition = z.object({
  offset: z.number().check(z.int(), z.gte(0)),
  etag: z.string(),
  last: z.object({ url: z.string(), score: z.number(), createdAt: z.string() }),
});
type SearchPosition = z.infer<typeof searchPosition>;

/**
 * Searches one user's links (`q` on GET /v1/links and GET /v1/users/{username}/links).
 *
 * The user's index is held in memory (a few users' at most) with the ETag it was read at; each search first
 * asks the store whether it changed (a conditional GET: 304 and nothing downloaded while it has not), so a warm
 * search costs one small request before the in-memory search. The index may lag the links table by a moment,
 * so the links of each page are read again, strongly consistent, in one BatchGetItem, and only those that
 * still exist (and, on the public route, are still public) are shown: deletion and privacy hold whatever the
 * index's state. The listing's other filters (tag, regexes) are applied to what is read.
 *
 * Paging: the token seals the position in the ranked list, bound to the query and filters (as the list's name)
 * and to the owner, so it cannot be replayed on another search: the offset, the ETag of the index that ranked
 * it, and the last link examined with its score. While the index is unchanged, the next page starts at the
 * offset of the same ranking. Once it changed, the next page starts right after that last link in the new
 * ranking (or, if it is gone, after the place its score and date had): links added or removed between pages
 * neither repeat nor skip the others, as long as the others keep their order (without words, newest first,
 * always; with words, the scores move with the index's statistics, and links of close scores may swap). A page
 * may hold fewer links than asked for (dropped ones, filters, or the scan budget), and a token may lead to an
 * empty page.
 *
 * An index of an older format is rebuilt by the updater (a rebuild request, deduplicated by the queue); until
 * it is, searches answer 503 rather than an empty list. A user without an index has no links yet, or their
 * first changes are on their way: the search finds nothing.
 */
export class LinkSearch {
  private readonly cache = new Map<string, StoredIndex>();

  constructor(
    private readonly store: SearchIndexStore,
    private readonly links: LinksForSearch,
    private readonly pageTokens: PageTokens,
    /** Whether the user exists: the public route answers 404 for one who does not. */
    private readonly userExists: (username: string) => Promise<boolean>,
    private readonly rebuilds: SearchRebuilds,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async page(username: string, request: SearchRequest): Promise<SearchPage> {
    const query = parseQuery(request.q);
    const filter = await LinkFilter.compile(request.filter);
    const list = searchListName(request);
    const from = request.startToken
      ? await this.pageTokens.open(request.startToken, list, username, searchPosition)
      : undefined;
    const exists = request.publicOnly ? this.userExists(username) : Promise.resolve(true);
    const stored = await this.index(username);
    if (!(await exists)) throw new NotFound('No such user.');
    const ranked = stored ? stored.index.ranked(query, { publicOnly: request.publicOnly }) : [];
    const start = from ? resume(ranked, from, stored?.etag) : 0;

    const budget = new RegexBudget(REGEX_TIME_BUDGET_MS, this.clock);
    const shown: Link[] = [];
    const next = async (offset: number | undefined): Promise<SearchPage> => ({
      links: shown,
      nextToken:
        offset !== undefined && offset < ranked.length && offset > 0 && stored
          ? await this.pageTokens.seal(list, username, {
              offset,
              etag: stored.etag,
              last: ranked[offset - 1]!,
            } satisfies SearchPosition)
          : null,
    });
    let position = start;
    let examined = 0;
    while (position < ranked.length) {
      if (examined >= SEARCH_SCAN_BUDGET || budget.exhausted) return next(position);
      // A few more than the page still needs, for links that turn out gone or filtered out.
      const wanted = Math.min(CONFIRMED_AT_ONCE, request.limit - shown.length + 5);
      const chunk = ranked.slice(position, position + wanted).map((hit) => hit.url);
      const current = new Map((await this.links.current(username, chunk)).map((link) => [link.url, link]));
      for (const url of chunk) {
        const link = current.get(url);
        if (link && !(request.publicOnly && link.private)) {
          const verdict = filter.test(link, budget, examined > 0);
          if (verdict === undefined) return next(position);
          if (verdict) shown.push(link);
        }
        examined++;
        position++;
        if (shown.length === request.limit) return next(position);
      }
    }
    return next(undefined);
  }

  /** The user's index, fresh: the cached one when the store says it is unchanged. */
  private async index(username: string): Promise<StoredIndex | undefined> {
    const cached = this.cache.get(username);
    const loaded = cached
      ? await this.store.loadIfChanged(username, cached.etag)
      : await this.store.load(username);
    this.cache.delete(username);
    if (loaded === undefined) return undefined;
    if (loaded === 'outdated') {
      await this.rebuilds.request(username);
      throw new UnavailableForAWhile(
        'The search index of these links is being rebuilt; try again in a few seconds.',
        REBUILD_RETRY_AFTER_SECONDS,
      );
    }
    const fresh = loaded === 'unchanged' ? cached! : loaded;
    // Most recently used last; the least recently used goes first when the cache is full.
    this.cache.set(username, fresh);
    if (this.cache.size > CACHED_INDEXES) this.cache.delete(this.cache.keys().next().value!);
    return fresh;
  }
}

/** Where the next page starts in the ranking: see LinkSearch's paging. */
function resume(ranked: readonly RankedLink[], from: SearchPosition, etag: string | undefined): number {
  if (etag === from.etag) return from.offset;
  const last = ranked.findIndex((hit) => hit.url === from.last.url);
  if (last !== -1) return last + 1;
  const after = ranked.findIndex((hit) => rankOrder(from.last, hit) < 0);
  return after === -1 ? ranked.length : after;
}

/** The token's list: the route, the query and the filters, so that a token only continues the same search. */
function searchListName(request: SearchRequest): string {
  const { filter } = request;
  return `search:${JSON.stringify([
    request.publicOnly,
    request.q,
    filter.tag ?? null,
    filter.urlRegex ?? null,
    filter.titleRegex ?? null,
    filter.descriptionRegex ?? null,
  ])}`;
}
