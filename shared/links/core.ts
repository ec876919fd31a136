import { InvalidRequest, LinkLimitReached, NotFound, Unavailable } from '../errors.ts';
import * as z from '../zod.ts';
import type { PageTokens } from '../pagination.ts';
import { realPause, retry, TRY_AGAIN, type Pause, type RetryPolicy } from '../retry.ts';
import { LinkFilter, RegexBudget, type LinkFilterInput } from './filter.ts';
import { DuplicateLink, MAX_TAGS, mergeTags, type Link, type LinkPosition } from './model.ts';
import type { TransactionGuard } from '../transaction-guard.ts';
import type { LinkStore } from './ports.ts';

export interface NewLink {
  url: string;
  title: string;
  description: string;
  tags: string[];
  private: boolean;
}

interface LinkChanges {
  url: string;
  title?: string | undefined;
  description?: string | undefined;
  addTags?: string[] | undefined;
  removeTags?: string[] | undefined;
  private?: boolean | undefined;
}

export interface ListQuery extends LinkFilterInput {
  limit: number;
  startToken?: string | undefined;
}

export interface LinkListing {
  links: Link[];
  nextToken: string | null;
}

const LIST_NAME = 'links';
/**
 * A listing token's position, sealed as tokens have always carried it (`createdAt`): a token lives a day, so
 * one issued before a deploy still opens after it.
 */
const tokenPosition = z.pipe(
  z.object({ createdAt: z.string(), url: z.string() }),
  z.transform(({ createdAt, url }: { createdAt: string; url: string }): LinkPosition => ({
    created_at: createdAt,
    url,
  })),
);
const sealedPosition = (position: LinkPosition) => ({ createdAt: position.created_at, url: position.url });
/** With filters, a page examines at most this many links, then hands back a token to continue from. */
export const FILTER_SCAN_BUDGET = 1000;
/**
 * With regex filters, a page also stops once matching has taken this long, so that no request spends much
 * more than 200 ms of CPU on regexes: the budget, plus at most one regex on one field (see filter.ts).
 */
export const REGEX_TIME_BUDGET_MS = 150;
const FILTERED_PAGE_SIZE = 100;
/**
 * An update reads the link, applies the changes and writes it only if its version is still the one read; a
 * concurrent writer makes the write fail, and the whole read-change-write is tried again with the shared policy.
 */
const CONTENDED_UPDATE_RETRY: RetryPolicy = {
  attempts: 8,
  baseDelayMs: 10,
  maxDelayMs: 500,
  giveUp: () => new Unavailable('The link is being changed by other requests; try again.'),
};

/** The links context: a user's own bookmarks. Plain TypeScript; storage comes in through the LinkStore port. */
export class LinkService {
  constructor(
    private readonly store: LinkStore,
    private readonly pageTokens: PageTokens,
    private readonly maxLinksPerUser: number,
    private readonly now: () => Date = () => new Date(),
    /** Pause between attempts of a contended update. */
    private readonly pause: Pause = realPause,
    /** The regex time budget of one listing, and the clock (milliseconds) that measures it. */
    private readonly regexTime: { budgetMs: number; clock: () => number } = {
      budgetMs: REGEX_TIME_BUDGET_MS,
      clock: () => performance.now(),
    },
  ) {}

  /** `guard`: conditions of the caller's request that the insert's one write carries along (see LinkStore). */
  async add(username: string, input: NewLink, guard?: TransactionGuard<Link>): Promise<Link> {
    const at = this.now().toISOString();
    const link: Link = {
      username,
      ...input,
      status: 'pending',
      http_status: null,
      checked_at: null,
      created_at: at,
      updated_at: at,
      ...(input.private ? {} : { published_at: at }),
      version: 1,
    };
    const result = await this.store.insert(link, this.maxLinksPerUser, guard);
    if (result.inserted) return link;
    if (result.reason === 'duplicate') throw new DuplicateLink(result.existing);
    throw new LinkLimitReached(`You already have ${this.maxLinksPerUser} links, the most one user can keep.`);
  }

  /**
   * A page of the user's links, newest first. With filters, the scan stops at the first of: `limit` matches,
   * FILTER_SCAN_BUDGET links examined, or the regex time budget spent. The next token then points just after
   * the last link examined (or the last match, when the page is full), so that following tokens sees every
   * match exactly once; a page cut short by a budget may hold fewer matches than `limit`, even none.
   */
  async list(username: string, query: ListQuery): Promise<LinkListing> {
    const filter = await LinkFilter.compile(query);
    const budget = new RegexBudget(this.regexTime.budgetMs, this.regexTime.clock);
    let cursor: LinkPosition | undefined = query.startToken
      ? await this.pageTokens.open(query.startToken, LIST_NAME, username, tokenPosition)
      : undefined;
    const matches: Link[] = [];
    let examined = 0;
    for (;;) {
      // Unfiltered, one more than a page tells whether another page follows.
      const pageSize = filter.isEmpty ? query.limit + 1 - matches.length : FILTERED_PAGE_SIZE;
      const page = await this.store.listNewestFirst(username, cursor, pageSize);
      for (const link of page.links) {
        // The first link is always decided, so that each page moves forward.
        const verdict = filter.test(link, budget, examined > 0);
        if (verdict === undefined) return this.listing(username, matches, cursor);
        examined++;
        if (verdict) {
          if (matches.length === query.limit) {
            return this.listing(username, matches, positionOf(matches.at(-1)!));
          }
          matches.push(link);
        }
        cursor = positionOf(link);
      }
      if (!page.hasMore) return this.listing(username, matches, undefined);
      if ((examined >= FILTER_SCAN_BUDGET || budget.exhausted) && cursor) {
        return this.listing(username, matches, cursor);
      }
    }
  }

  async update(username: string, changes: LinkChanges): Promise<Link> {
    return retry(CONTENDED_UPDATE_RETRY, () => this.tryUpdate(username, changes), this.pause);
  }

  /** One read-change-write; TRY_AGAIN when another writer changed the link in between. */
  private async tryUpdate(username: string, changes: LinkChanges): Promise<Link | typeof TRY_AGAIN> {
    const current = await this.store.get(username, changes.url);
    if (!current) throw new NotFound('You have no link with this URL.');
    const tags = mergeTags(current.tags, changes.addTags ?? [], changes.removeTags ?? []);
    if (tags.length > MAX_TAGS) {
      throw new InvalidRequest(`A link has at most ${MAX_TAGS} tags.`, {
        add_tags: `at most ${MAX_TAGS} tags`,
      });
    }
    const { published_at: publishedAt, ...rest } = current;
    const updatedAt = this.later(current.updated_at);
    const isPrivate = changes.private ?? current.private;
    const updated: Link = {
      ...rest,
      title: changes.title ?? current.title,
      description: changes.description ?? current.description,
      private: isPrivate,
      tags,
      updated_at: updatedAt,
      ...(isPrivate ? {} : { published_at: current.private ? updatedAt : publishedAt }),
      version: current.version + 1,
    };
    // Someone changed the link between our read and our write: read again and reapply the changes.
    return (await this.store.replace(updated, current)) ? updated : TRY_AGAIN;
  }

  async remove(username: string, url: string): Promise<void> {
    if (!(await this.store.delete(username, url))) throw new NotFound('You have no link with this URL.');
  }

  /** Each tag the user uses, with the number of links carrying it, most used first. */
  async tags(username: string): Promise<{ name: string; count: number }[]> {
    const counts = new Map<string, number>();
    for await (const tags of this.store.tagsOfAllLinks(username)) {
      for (const tag of tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }
    return [...counts]
      .map(([name, count]) => ({ name, count }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  }

  private async listing(
    username: string,
    links: Link[],
    next: LinkPosition | undefined,
  ): Promise<LinkListing> {
    return {
      links,
      nextToken: next ? await this.pageTokens.seal(LIST_NAME, username, sealedPosition(next)) : null,
    };
  }

  /** updated_at always moves forward, even when two changes land within the same millisecond. */
  private later(previous: string): string {
    const now = this.now().getTime();
    return new Date(Math.max(now, Date.parse(previous) + 1)).toISOString();
  }
}

function positionOf(link: Link): LinkPosition {
  return { created_at: link.created_at, url: link.url };
}
