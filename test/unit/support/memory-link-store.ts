import { normalizeUrl, type Link, type LinkPosition } from '../../../shared/links/model.ts';
import type { InsertResult, LinkPage, LinkStore } from '../../../shared/links/ports.ts';

/** One call of `listNewestFirst`, as the core made it. */
export interface ListCall {
  after: LinkPosition | undefined;
  pageSize: number;
  returned: number;
}

/**
 * An in-memory LinkStore for the cores' unit tests. It keeps the adapter's semantics: duplicates by normalized
 * URL, a per-user limit, conditional replace on the version, and newest-first pages that, like a DynamoDB query,
 * report more to come whenever a page is full.
 */
export class InMemoryLinkStore implements LinkStore {
  private readonly links = new Map<string, Link>();
  readonly listCalls: ListCall[] = [];
  /** Runs just before each replace: a test's stand-in for a concurrent writer. */
  beforeReplace: (() => void) | undefined;

  constructor(links: Link[] = []) {
    for (const link of links) this.links.set(keyOf(link.username, link.url), structuredClone(link));
  }

  /**
   * A request's guard (the gate's conditions) is not written here, as no DynamoDB transaction is: the gate then
   * charges the caller and keeps the answer after the work, as for a work that answered without its transaction.
   */
  async insert(link: Link, maxLinks: number): Promise<InsertResult> {
    const existing = this.links.get(keyOf(link.username, link.url));
    if (existing) return { inserted: false, reason: 'duplicate', existing: structuredClone(existing) };
    if (this.linksOf(link.username).length >= maxLinks) return { inserted: false, reason: 'limit' };
    this.links.set(keyOf(link.username, link.url), structuredClone(link));
    return { inserted: true };
  }

  async get(username: string, url: string): Promise<Link | undefined> {
    const link = this.links.get(keyOf(username, url));
    return link && structuredClone(link);
  }

  async replace(link: Link, previous: Link): Promise<boolean> {
    this.beforeReplace?.();
    const current = this.links.get(keyOf(link.username, link.url));
    if (!current || current.version !== previous.version) return false;
    this.links.set(keyOf(link.username, link.url), structuredClone(link));
    return true;
  }

  async delete(username: string, url: string): Promise<boolean> {
    return this.links.delete(keyOf(username, url));
  }

  async listNewestFirst(
    username: string,
    after: LinkPosition | undefined,
    pageSize: number,
  ): Promise<LinkPage> {
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new Error(`Limit must be at least 1, not ${pageSize}`);
    const newestFirst = this.linksOf(username).sort((a, b) => order(b).localeCompare(order(a)));
    const start = after ? newestFirst.filter((link) => order(link) < order(after)) : newestFirst;
    const links = start.slice(0, pageSize).map((link) => structuredClone(link));
    this.listCalls.push({ after, pageSize, returned: links.length });
    return { links, hasMore: links.length === pageSize };
  }

  async *tagsOfAllLinks(username: string): AsyncIterable<string[]> {
    for (const link of this.linksOf(username)) yield [...link.tags];
  }

  /** The links context's counters as profiles read them: all of a user's links, and the public ones. */
  async linksCount(username: string): Promise<{ all: number; public: number }> {
    const links = this.linksOf(username);
    return { all: links.length, public: links.filter((link) => !link.private).length };
  }

  /** Every link of the user as stored now (copies), in no order. */
  allOf(username: string): Link[] {
    return this.linksOf(username).map((link) => structuredClone(link));
  }

  /** What is stored now, for assertions. */
  stored(username: string, url: string): Link | undefined {
    return this.links.get(keyOf(username, url));
  }

  private linksOf(username: string): Link[] {
    return [...this.links.values()].filter((link) => link.username === username);
  }
}

const keyOf = (username: string, url: string) => `${username} ${normalizeUrl(url)}`;
/** Time-ordered and unique, like the adapter's `created` index key. */
const order = (position: LinkPosition) => `${position.created_at}#${normalizeUrl(position.url)}`;
