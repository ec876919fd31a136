import * as z from '../zod.ts';
import { NotFound } from '../errors.ts';
import type { PageTokens } from '../pagination.ts';
import type { Link } from './model.ts';
import type { Author, AuthorDirectory, PublicLinkIndex, PublicPosition } from './ports.ts';

export interface PublicQuery {
  /** Only links with this exact tag (lower-cased, as tags are stored). */
  tag?: string | undefined;
  limit: number;
  startToken?: string | undefined;
}

export interface PublicListing {
  author: Author;
  links: Link[];
  nextToken: string | null;
}

const LIST_NAME = 'public-links';
const tokenPosition = z.object({ published_at: z.string(), url: z.string() });
/** With a tag, a page examines at most this many public links, then hands back a token to continue from. */
export const PUBLIC_TAG_SCAN_BUDGET = 1000;
const TAG_PAGE_SIZE = 100;
/** The newest entries an Atom feed carries. */
export const FEED_ENTRIES = 50;

/**
 * The public side of the links context: anyone may read a user's public links, newest published first. Plain
 * TypeScript: the index and the users context come in through ports. The index is read strongly consistent, so a
 * link made private a moment ago never appears (table.ts: byPublic).
 */
export class PublicLinks {
  constructor(
    private readonly index: PublicLinkIndex,
    private readonly authors: AuthorDirectory,
    private readonly pageTokens: PageTokens,
  ) {}

  /**
   * A page of the user's public links. Without a tag: one query of `limit + 1` (the extra one tells whether
   * another page follows). With a tag: queries of 100 until `limit` links carry it or PUBLIC_TAG_SCAN_BUDGET were
   * examined; the next token resumes right after the last link examined. NotFound for an unknown user.
   */
  async page(username: string, query: PublicQuery): Promise<PublicListing> {
    const tag = query.tag?.trim().toLowerCase() || undefined;
    let cursor: PublicPosition | undefined = query.startToken
      ? await this.pageTokens.open(query.startToken, LIST_NAME, username, tokenPosition)
      : undefined;
    // The user is looked up while the index is read (an unknown user's index is empty): one round trip less.
    const lookup = this.author(username);
    lookup.catch(() => undefined); // awaited below; a failure of the index read first must not leave it unhandled
    const shown: Link[] = [];
    let examined = 0;
    for (;;) {
      const page = await this.index.newestPublic(username, cursor, tag ? TAG_PAGE_SIZE : query.limit + 1);
      for (const link of page.links) {
        // One more public link follows the full page: the token resumes after the last one shown.
        if (shown.length === query.limit) return this.listing(await lookup, shown, cursor);
        examined++;
        cursor = { published_at: link.published_at ?? link.created_at, url: link.url };
        if (tag === undefined || link.tags.includes(tag)) shown.push(link);
      }
      if (!page.hasMore) return this.listing(await lookup, shown, undefined);
      if (tag === undefined || examined >= PUBLIC_TAG_SCAN_BUDGET) {
        return this.listing(await lookup, shown, cursor);
      }
    }
  }

  /** The user and the newest FEED_ENTRIES public links (with `tag`, among the first links examined). */
  async newest(username: string, tag?: string): Promise<{ author: Author; links: Link[] }> {
    const { author, links } = await this.page(username, { tag, limit: FEED_ENTRIES });
    return { author, links };
  }

  private async author(username: string): Promise<Author> {
    const author = await this.authors.find(username);
    if (!author) throw new NotFound('No such user.');
    return author;
  }

  private async listing(
    author: Author,
    links: Link[],
    next: PublicPosition | undefined,
  ): Promise<PublicListing> {
    return {
      author,
      links,
      nextToken: next ? await this.pageTokens.seal(LIST_NAME, author.username, next) : null,
    };
  }
}
