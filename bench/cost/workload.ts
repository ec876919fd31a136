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
  /** Whom each reader follows before the requests (a draw keeps its own copy as its follows add to it). */
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

/** A request as drawn: who sends it and what it targets. A link is named by its page's path on the test site. */
export type DrawnRequest =
  | { operation: 'list' | 'news'; username: string }
  | { operation: 'add' | 'update' | 'delete'; username: string; page: string }
  | { operation: 'follow'; username: string; followee: string };

/**
 * Draws the workload's requests, sender and target, in order, against the links as the requests drawn before
 * each leave them: which author changes which link does not depend on which requests happen to finish first, so
 * the same seed draws the same requests. Nothing is sent here (see Workload), so a draw can also be repeated
 * with other seeds to see how typical a run's is (`typicalDraws`).
 */
export class RequestDraws {
  private readonly random: () => number;
  private readonly authors: string[];
  /** Each author's links (their pages) as the requests drawn so far leave them. */
  private readonly links = new Map<string, string[]>();
  /** Whom each reader follows, as the follows drawn so far leave it. */
  private readonly following: Map<string, Set<string>>;
  private nextPage = 0;

  constructor(
    private readonly people: Population,
    seed: number,
  ) {
    this.random = seededRandom(seed);
    this.authors = people.authors.map((author) => author.username);
    this.following = new Map([...people.following].map(([reader, followed]) => [reader, new Set(followed)]));
  }

  /** The next request of the mix. */
  next(): DrawnRequest {
    const operation = this.drawOperation();
    switch (operation) {
      case 'list':
        return { operation, username: this.pick([...this.authors, ...this.people.readers]) };
      case 'news':
        return { operation, username: this.pick(this.people.readers) };
      case 'add':
        return this.add(this.pick(this.authors));
      case 'update':
      case 'delete': {
        const owners = this.authors.filter((author) => (this.links.get(author)?.length ?? 0) > 0);
        if (owners.length === 0)
          throw new Error(`no link left to ${operation}: draw the initial links first`);
        const owner = this.pick(owners);
        const owned = this.links.get(owner)!;
        const index = Math.floor(this.random() * owned.length);
        const page = owned[index]!;
        if (operation === 'delete') owned.splice(index, 1);
        return { operation, username: owner, page };
      }
      case 'follow': {
        const reader = this.pick(this.people.readers);
        const followed = this.following.get(reader)!;
        const followee = this.pick(this.authors.filter((author) => !followed.has(author)));
        followed.add(followee);
        return { operation, username: reader, followee };
      }
    }
  }

  /** The adds before the measured requests: `count` by each ordinary author, in order. */
  initialLinks(count: number): DrawnRequest[] {
    return this.people.authors
      .filter((author) => !author.large)
      .flatMap((author) => Array.from({ length: count }, () => this.add(author.username)));
  }

  /** An add of a new page of `author`'s, which the requests drawn after it may change. */
  add(author: string): DrawnRequest {
    const page = `/${author}/${this.nextPage++}`;
    const owned = this.links.get(author);
    if (owned) owned.push(page);
    else this.links.set(author, [page]);
    return { operation: 'add', username: author, page };
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
}

/** What a draw of `count` requests asks of the fan-out. */
export interface DrawnChanges {
  /** Adds, updates and deletes by the large authors. */
  largeChanges: number;
  /** The followers of the author of each add, update and delete, summed: a feed entry each, when pushed. */
  audience: number;
}

/** What `requests` ask of the fan-out: each change's author's followers, who are pushed an entry each. */
export function changesOf(people: Population, requests: DrawnRequest[]): DrawnChanges {
  const byName = new Map(people.authors.map((author) => [author.username, author]));
  let largeChanges = 0;
  let audience = 0;
  for (const request of requests) {
    if (request.operation !== 'add' && request.operation !== 'update' && request.operation !== 'delete')
      continue;
    const author = byName.get(request.username)!;
    if (author.large) largeChanges++;
    audience += author.followers.length;
  }
  return { largeChanges, audience };
}

/**
 * The changes of `draws` draws of the same workload (after the same initial links), each with a seed of its own
 * other than the run's: what a typical run of `count` requests asks of the fan-out, beside what the run's drew.
 */
export function typicalDraws(
  people: Population,
  shape: WorkloadShape,
  count: number,
  draws: number,
): DrawnChanges[] {
  return Array.from({ length: draws }, (_, i) => {
    const drawn = new RequestDraws(people, shape.seed + 1000 + i);
    drawn.initialLinks(shape.initialLinks);
    return changesOf(
      people,
      Array.from({ length: count }, () => drawn.next()),
    );
  });
}

/** A request drawn with the run's others, ready to be sent. */
type PlannedRequest = () => Promise<RequestOutcome>;

/**
 * The people who send requests, signed in, and the requests that RequestDraws draws for them: all of a run's are
 * drawn before any is sent, so every run with the same seed sends the same ones. A request on a link is sent once
 * the one drawn before it on that link has answered (an update waits for the add that it changes).
 */
export class Workload {
  private readonly tokens = new Map<string, Headers>();
  private readonly draws: RequestDraws;
  /** When the latest request drawn on each link has answered. */
  private readonly answeredOnLink = new Map<string, Promise<unknown>>();
  /** Every request drawn so far, the initial links' included. */
  readonly drawn: DrawnRequest[] = [];

  constructor(
    private readonly runtime: Runtime,
    private readonly site: TestSite,
    private readonly people: Population,
    seed: number,
  ) {
    this.draws = new RequestDraws(people, seed);
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
    const adds = this.draws.initialLinks(count).map((request) => this.plan(request));
    await inParallel(adds.length, inFlight, async (i) => {
      const outcome = await adds[i]!();
      if (outcome.status !== 201) throw new Error(`an initial add answered ${outcome.status}`);
    });
  }

  /** Sends `count` requests of the mix, `inFlight` at a time, all drawn in order first. */
  async run(count: number, inFlight: number): Promise<RequestOutcome[]> {
    const planned = Array.from({ length: count }, () => this.plan(this.draws.next()));
    const outcomes: RequestOutcome[] = [];
    await inParallel(count, inFlight, async (i) => {
      outcomes.push(await planned[i]!());
    });
    return outcomes;
  }

  /** Adds a link of `author` to a page of the site, which the link checker fetches and snapshots. */
  add(author: string): Promise<RequestOutcome> {
    return this.plan(this.draws.add(author))();
  }

  private plan(request: DrawnRequest): PlannedRequest {
    this.drawn.push(request);
    const { operation, username } = request;
    switch (operation) {
      case 'list':
        return () => this.send(operation, username, 'GET', '/v1/links?limit=20');
      case 'news':
        return () => this.send(operation, username, 'GET', '/v1/news?limit=20');
      case 'follow':
        return () => this.send(operation, username, 'POST', '/v1/following', { username: request.followee });
      case 'add':
      case 'update':
      case 'delete': {
        const url = this.site.url(request.page);
        return this.onLink(url, () => {
          if (operation === 'delete')
            return this.send(operation, username, 'DELETE', `/v1/links?url=${encodeURIComponent(url)}`);
          if (operation === 'update')
            return this.send(operation, username, 'PUT', '/v1/links', {
              url,
              title: `Updated ${request.page}`,
              add_tags: ['updated'],
            });
          this.site.page(request.page, pageText(request.page));
          return this.send(operation, username, 'POST', '/v1/links', {
            url,
            title: `Page ${request.page}`,
            tags: ['bench', username.slice(-3)],
          });
        });
      }
    }
  }

  /** `send`, once the request drawn before it on `url` has answered. */
  private onLink(url: string, send: PlannedRequest): PlannedRequest {
    const before = this.answeredOnLink.get(url) ?? Promise.resolve();
    let answered!: () => void;
    const mine = new Promise<void>((resolve) => (answered = resolve));
    this.answeredOnLink.set(url, mine);
    return async () => {
      await before;
      try {
        return await send();
      } finally {
        answered();
        // Nothing drawn after it waits on this link: the entry can go.
        if (this.answeredOnLink.get(url) === mine) this.answeredOnLink.delete(url);
      }
    };
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
