import type { Runtime } from '../../local/runtime.ts';
import { batchPut, documentClient } from '../../shared/aws/dynamodb.ts';
import { countersKey, followToItem } from '../../shared/social/dynamodb.ts';
import { sessions } from '../../shared/users/service.ts';
import type { TestSite } from '../../test/support/test-site.ts';

/**
 * The mixed workload of `npm run bench:cost`: who exists, who follows whom, and the requests.
 *
 * Authors: `ordinaryAuthors` with a lognormal follower count (median 10, sigma 1, 1 to 2,000) and `largeAuthors`
 * with `largeFollowers` each (10,000: still pushed, as NEWS_LARGE_AUTHOR_FOLLOWERS is reached only above it).
 * Followers are drawn from a pool of `largeFollowers` people, who all follow the large authors; the first
 * `readers` of them sign in and read. Edges and counters are written straight into the social table (setup);
 * everything measured goes through the API. A seeded generator makes the same people, edges and requests in every
 * run, so the counts differ between runs only by how the pipeline batched its records.
 */
export interface WorkloadShape {
  ordinaryAuthors: number;
  largeAuthors: number;
  largeFollowers: number;
  readers: number;
  /** Links each ordinary author adds before the measured requests, so that there is something to list and change. */
  initialLinks: number;
  seed: number;
}

export const OPERATIONS = ['list', 'news', 'add', 'update', 'delete', 'follow'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The request mix: 60% list, 15% news, 10% add, 5% update, 5% delete, 5% follow. */
export const MIX: Record<Operation, number> = {
  list: 0.6,
  news: 0.15,
  add: 0.1,
  update: 0.05,
  delete: 0.05,
  follow: 0.05,
};

/** A small, seeded pseudo-random generator (mulberry32): the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A follower count of an ordinary author: lognormal, median 10. */
function lognormalFollowers(random: () => number): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.min(2000, Math.max(1, Math.round(Math.exp(Math.log(10) + z))));
}

export interface Population {
  authors: { username: string; followers: string[]; large: boolean }[];
  readers: string[];
  /** Whom each reader follows, kept up to date as the workload follows more. */
  following: Map<string, Set<string>>;
  edges: number;
}

export function population(shape: WorkloadShape): Population {
  const random = seededRandom(shape.seed);
  const pool = Array.from(
    { length: shape.largeFollowers },
    (_, i) => `cost-fan-${String(i).padStart(5, '0')}`,
  );
  const authors = [
    ...Array.from({ length: shape.largeAuthors }, (_, i) => ({
      username: `cost-large-${i}`,
      followers: pool,
      large: true,
    })),
    ...Array.from({ length: shape.ordinaryAuthors }, (_, i) => {
      const wanted = Math.min(pool.length, lognormalFollowers(random));
      const chosen = new Set<string>();
      while (chosen.size < wanted) chosen.add(pool[Math.floor(random() * pool.length)]!);
      return { username: `cost-author-${String(i).padStart(3, '0')}`, followers: [...chosen], large: false };
    }),
  ];
  const readers = pool.slice(0, shape.readers);
  const following = new Map(readers.map((reader) => [reader, new Set<string>()]));
  for (const author of authors)
    for (const follower of author.followers) following.get(follower)?.add(author.username);
  const edges = authors.reduce((sum, author) => sum + author.followers.length, 0);
  return { authors, readers, following, edges };
}

/** Writes the edges and each author's followers count into the social table, 25 items per call. */
export async function seedFollows(runtime: Runtime, people: Population): Promise<void> {
  const since = new Date().toISOString();
  const items = people.authors.flatMap((author) => [
    ...author.followers.map((follower) => followToItem({ follower, followed: author.username, since })),
    { ...countersKey(author.username), followers_count: author.followers.length, following_count: 0 },
  ]);
  await batchPut(documentClient(), runtime.tableNames.social, items);
}

export interface RequestOutcome {
  operation: Operation;
  /** Who sent it. */
  username: string;
  status: number;
  /** The answer's bytes: status line, headers and body, as they would leave the edge uncompressed. */
  bytes: number;
}

type Headers = Record<string, string>;

/** The people who send requests, signed in, and what each author has to change. */
export class Workload {
  private readonly random: () => number;
  private readonly tokens = new Map<string, Headers>();
  private readonly links = new Map<string, string[]>();
  private nextPage = 0;

  constructor(
    private readonly runtime: Runtime,
    private readonly site: TestSite,
    private readonly people: Population,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** A session for each author and reader, issued in this process as `POST /dev/login` issues it (setup). */
  async signIn(): Promise<void> {
    const everyone = [...this.people.authors.map((author) => author.username), ...this.people.readers];
    for (const username of everyone) {
      const { accessToken } = await sessions().devLogin(username);
      this.tokens.set(username, {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json',
      });
    }
  }

  /** Each ordinary author adds `count` links through the API. */
  async addInitialLinks(count: number, inFlight: number): Promise<void> {
    const adds = this.people.authors
      .filter((author) => !author.large)
      .flatMap((author) => Array.from({ length: count }, () => author.username));
    await inParallel(adds.length, inFlight, async (i) => {
      const outcome = await this.add(adds[i]!);
      if (outcome.status !== 201) throw new Error(`an initial add answered ${outcome.status}`);
    });
  }

  /** Sends `count` requests of the mix, `inFlight` at a time; the operations are drawn in order. */
  async run(count: number, inFlight: number): Promise<RequestOutcome[]> {
    const operations = Array.from({ length: count }, () => this.drawOperation());
    const outcomes: RequestOutcome[] = [];
    await inParallel(count, inFlight, async (i) => {
      outcomes.push(await this.perform(operations[i]!));
    });
    return outcomes;
  }

  private drawOperation(): Operation {
    let draw = this.random();
    for (const operation of OPERATIONS) {
      draw -= MIX[operation];
      if (draw < 0) return operation;
    }
    return 'list';
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private perform(operation: Operation): Promise<RequestOutcome> {
    const authors = this.people.authors.map((author) => author.username);
    switch (operation) {
      case 'list':
        return this.send(
          operation,
          this.pick([...authors, ...this.people.readers]),
          'GET',
          '/v1/links?limit=20',
        );
      case 'news':
        return this.send(operation, this.pick(this.people.readers), 'GET', '/v1/news?limit=20');
      case 'add':
        return this.add(this.pick(authors));
      case 'update':
      case 'delete': {
        const owners = authors.filter((author) => (this.links.get(author)?.length ?? 0) > 0);
        const owner = this.pick(owners);
        const owned = this.links.get(owner)!;
        // Taken out while the request runs, so that no other request changes or deletes it meanwhile.
        const url = owned.splice(Math.floor(this.random() * owned.length), 1)[0]!;
        if (operation === 'delete')
          return this.send(operation, owner, 'DELETE', `/v1/links?url=${encodeURIComponent(url)}`);
        return this.send(operation, owner, 'PUT', '/v1/links', {
          url,
          title: `Updated ${this.nextPage}`,
          add_tags: ['updated'],
        }).then((outcome) => {
          owned.push(url);
          return outcome;
        });
      }
      case 'follow': {
        const reader = this.pick(this.people.readers);
        const followed = this.people.following.get(reader)!;
        const candidates = authors.filter((author) => !followed.has(author));
        const author = this.pick(candidates);
        followed.add(author);
        return this.send(operation, reader, 'POST', '/v1/following', { username: author });
      }
    }
  }

  /** Adds a link of `author` to a page of the site, which the link checker fetches and snapshots. */
  async add(author: string): Promise<RequestOutcome> {
    const path = `/${author}/${this.nextPage++}`;
    this.site.page(path, pageText(path));
    const url = this.site.url(path);
    const outcome = await this.send('add', author, 'POST', '/v1/links', {
      url,
      title: `Page ${path}`,
      tags: ['bench', author.slice(-3)],
    });
    if (outcome.status === 201) this.links.set(author, [...(this.links.get(author) ?? []), url]);
    return outcome;
  }

  private async send(
    operation: Operation,
    username: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<RequestOutcome> {
    const request = () =>
      fetch(`${this.runtime.url}${path}`, {
        method,
        headers: this.tokens.get(username)!,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    // A kept-alive connection the server has just closed fails at once, on a busy machine now and then: sent
    // again on a new one (an add that did land answers 409 then, which the outcome shows).
    const response = await request().catch(request);
    const payload = await response.arrayBuffer();
    let headerBytes = `HTTP/1.1 ${response.status}\r\n`.length;
    response.headers.forEach((value, name) => (headerBytes += name.length + value.length + 4));
    return { operation, username, status: response.status, bytes: headerBytes + payload.byteLength };
  }
}

/** About 20 KB of HTML, a plain article: what the checker snapshots and search indexes. */
function pageText(path: string): string {
  const words = Array.from({ length: 2800 }, (_, i) => `word${(i * 7919) % 1000}`).join(' ');
  return `<!doctype html><html><head><title>Page ${path}</title></head><body><article><h1>${path}</h1><p>${words}</p></article></body></html>`;
}

async function inParallel(count: number, inFlight: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
