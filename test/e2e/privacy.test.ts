import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { parseAtom } from '../support/atom.ts';
import { eventually } from '../support/eventually.ts';
import { pipelineIdle } from '../support/pipeline.ts';
import { ApiClient, startTestRuntime } from '../support/runtime.ts';
import { aUsername, expectJson, type LinkListing, query } from './helpers.ts';

/**
 * A private link is seen by its owner and nobody else, through any route, from the moment the write that made it
 * private is answered, whatever the news and search pipelines have caught up with.
 *
 * Generated histories: two authors add links (public or private, tagged or not), turn them private or public,
 * retag and delete them, while a reader follows and unfollows them; some steps send two writes at once. The
 * pollers run as on `npm start`, so every read races the pipeline. After each step, every route through which the
 * reader or an anonymous client can see an author's links is read and checked against the model: the public
 * listing (also by tag and searched), both Atom feeds, the profile page and its count, the reader's news and news
 * feed; and the authors' own listings show all of their links. Once the pipeline is idle, search and news have
 * caught up: the search finds exactly the public links, and the news holds every public link of the authors
 * followed and nothing of the others.
 *
 * PRIVACY_RUNS sets the histories (default 6); PRIVACY_SEED replays one.
 */

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(() => runtime?.stop());
const RUNS = Number(process.env.PRIVACY_RUNS ?? 6);
const SEED = process.env.PRIVACY_SEED === undefined ? undefined : Number(process.env.PRIVACY_SEED);

/** Every title holds it, so that a search for it finds every link the index may show. */
const TITLE_WORD = 'bookmark';
const TAG = 'go';

type Visibility = 'public' | 'private' | 'deleted';

interface ModelLink {
  url: string;
  visibility: Visibility;
  tagged: boolean;
  /** Whether it was ever deleted while public: then that deletion may be in followers' news, whatever since. */
  deletedInPublic: boolean;
}

/** A link of an author, picked among those not deleted by its index modulo their count. */
interface Pick {
  author: 0 | 1;
  pick: number;
}

type Write =
  /** `again`: the URL of one of the author's deleted links, when there is one. */
  | { kind: 'add'; author: 0 | 1; private: boolean; tagged: boolean; again: boolean }
  | ({ kind: 'setPrivate'; private: boolean } & Pick)
  | ({ kind: 'retag'; tagged: boolean } & Pick)
  | ({ kind: 'delete' } & Pick)
  | { kind: 'follow' | 'unfollow'; author: 0 | 1 };

/** One write, or two sent at once. */
type Step = Write[];

const anAuthor = fc.constantFrom<0 | 1>(0, 1);
const aPick = { author: anAuthor, pick: fc.nat(7) };
const aWrite: fc.Arbitrary<Write> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      author: anAuthor,
      private: fc.boolean(),
      tagged: fc.boolean(),
      again: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('setPrivate' as const), private: fc.boolean(), ...aPick }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('retag' as const), tagged: fc.boolean(), ...aPick }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), ...aPick }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constantFrom('follow' as const, 'unfollow' as const), author: anAuthor }),
  },
);
const aStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: aWrite.map((write) => [write]) },
  { weight: 1, arbitrary: fc.tuple(aWrite, aWrite) },
);

interface NewsEvent {
  event_type: string;
  username: string;
  url: string;
}

/** One generated history's users and the model of what they did. */
class World {
  readonly links: [ModelLink[], ModelLink[]] = [[], []];
  readonly following = new Set<0 | 1>();
  private added = 0;

  constructor(
    readonly authors: [{ client: ApiClient; username: string }, { client: ApiClient; username: string }],
    readonly reader: ApiClient,
    readonly feedToken: string,
    /** This history's links live on this host alone. */
    private readonly host: string,
  ) {}

  static async create(): Promise<World> {
    const login = async (base: string) => {
      const username = aUsername(base);
      return { client: await ApiClient.loggedIn(runtime.url, username), username };
    };
    const [author0, author1, reader] = await Promise.all([login('ann'), login('ben'), login('rea')]);
    const token = expectJson<{ token: string }>(
      await reader.client.post('/v1/tokens', { name: 'feed reader', scope: 'feed' }),
      201,
    ).token;
    return new World([author0, author1], reader.client, token, randomBytes(3).toString('hex'));
  }

  usernameOf(author: 0 | 1): string {
    return this.authors[author].username;
  }

  private picked({ author, pick }: Pick): ModelLink | undefined {
    const standing = this.links[author].filter((link) => link.visibility !== 'deleted');
    return standing.length === 0 ? undefined : standing[pick % standing.length];
  }

  /** A deleted link of the author's, to add again. */
  private deleted(author: 0 | 1): ModelLink | undefined {
    return this.links[author].find((link) => link.visibility === 'deleted');
  }

  private targetOf(write: Write): ModelLink | undefined {
    if ('pick' in write) return this.picked(write);
    return write.kind === 'add' && write.again ? this.deleted(write.author) : undefined;
  }

  /** Sends a step's writes (at once when there are two on different links) and moves the model as answered. */
  async run(step: Step): Promise<void> {
    const targets = step.map((write) => this.targetOf(write));
    const sameLink = targets.length === 2 && targets[0] !== undefined && targets[0] === targets[1];
    const sameFollow =
      step.length === 2 && step.every((write) => write.kind === 'follow' || write.kind === 'unfollow');
    if (sameLink || sameFollow) {
      for (const write of step) await this.send(write, this.targetOf(write));
      return;
    }
    const sent = step.map((write, i) => this.send(write, targets[i]));
    await Promise.all(sent);
  }

  private async send(write: Write, target: ModelLink | undefined): Promise<void> {
    const author = this.authors[write.author];
    switch (write.kind) {
      case 'add': {
        const link: ModelLink = target ?? {
          // The closing slash: no URL is the start of another, which the profile page's check relies on.
          url: `https://${this.host}.example/${write.author}/${this.added++}/`,
          visibility: 'deleted',
          tagged: false,
          deletedInPublic: false,
        };
        if (!target) this.links[write.author].push(link);
        link.visibility = write.private ? 'private' : 'public';
        link.tagged = write.tagged;
        const response = await author.client.post('/v1/links', {
          url: link.url,
          title: `${TITLE_WORD} ${this.added}`,
          private: write.private,
          tags: write.tagged ? [TAG] : [],
        });
        expect(response.status).toBe(201);
        return;
      }
      case 'setPrivate':
        if (!target) return;
        expect(
          (await author.client.put('/v1/links', { url: target.url, private: write.private })).status,
        ).toBe(200);
        target.visibility = write.private ? 'private' : 'public';
        return;
      case 'retag':
        if (!target) return;
        expect(
          (
            await author.client.put('/v1/links', {
              url: target.url,
              [write.tagged ? 'add_tags' : 'remove_tags']: [TAG],
            })
          ).status,
        ).toBe(200);
        target.tagged = write.tagged;
        return;
      case 'delete':
        if (!target) return;
        expect((await author.client.delete(`/v1/links?${query({ url: target.url })}`)).status).toBe(204);
        target.deletedInPublic ||= target.visibility === 'public';
        target.visibility = 'deleted';
        return;
      case 'follow': {
        const status = (await this.reader.post('/v1/following', { username: author.username })).status;
        expect(status).toBe(this.following.has(write.author) ? 409 : 201);
        this.following.add(write.author);
        return;
      }
      case 'unfollow': {
        const status = (await this.reader.delete(`/v1/following/${author.username}`)).status;
        expect(status).toBe(this.following.has(write.author) ? 204 : 404);
        this.following.delete(write.author);
        return;
      }
    }
  }

  publicUrls(author: 0 | 1, tagged = false): string[] {
    return this.links[author]
      .filter((link) => link.visibility === 'public' && (!tagged || link.tagged))
      .map((link) => link.url)
      .sort();
  }

  /**
   * Whether the news may show this event now: anything of a public link; of a link private or deleted now, only
   * a deletion from a time it was public (its adds and updates leave at once, before any retraction lands).
   */
  mayShow(event: { event_type: string; url: string }): boolean {
    const link = this.links.flat().find((candidate) => candidate.url === event.url);
    if (!link) return false;
    if (link.visibility === 'public') return true;
    return event.event_type === 'link_deleted' && link.deletedInPublic;
  }

  /** The URLs no entry of a news feed may link to: links private or deleted now and never deleted in public. */
  neverInNews(): Set<string> {
    return new Set(
      this.links
        .flat()
        .filter((link) => link.visibility !== 'public' && !link.deletedInPublic)
        .map((link) => link.url),
    );
  }

  /** The URLs only the owner may see anywhere: links private now. */
  privateUrls(): string[] {
    return this.links
      .flat()
      .filter((link) => link.visibility === 'private')
      .map((link) => link.url);
  }
}

const anonymous = () => new ApiClient(runtime.url);
const sorted = (urls: string[]) => [...urls].sort();

async function listedUrls(client: ApiClient, path: string): Promise<string[]> {
  return sorted(expectJson<LinkListing>(await client.get(path), 200).links.map((link) => link.url));
}

async function atomUrls(client: ApiClient, path: string): Promise<string[]> {
  const response = await client.get(path);
  expect(response.status).toBe(200);
  return sorted(
    parseAtom(response.body as unknown as string).entries.map((entry) => entry.links[0]?.href ?? ''),
  );
}

async function newsOf(world: World): Promise<NewsEvent[]> {
  return expectJson<{ events: NewsEvent[] }>(await world.reader.get('/v1/news?limit=100'), 200).events;
}

async function newsFeedUrls(world: World): Promise<string[]> {
  return atomUrls(anonymous(), `/feeds/news/${world.feedToken}.atom`);
}

/** What must hold right after any step: nobody but the owner sees a private link, anywhere. */
async function checkAtOnce(world: World): Promise<void> {
  // The news first: its pipeline is the furthest behind right after a write.
  const neverInNews = world.neverInNews();
  expect((await newsOf(world)).filter((event) => !world.mayShow(event))).toEqual([]);
  expect((await newsFeedUrls(world)).filter((url) => neverInNews.has(url))).toEqual([]);
  const hidden = world.privateUrls();
  for (const author of [0, 1] as const) {
    const username = world.usernameOf(author);
    const owner = world.authors[author].client;
    expect(await listedUrls(owner, '/v1/links?limit=100')).toEqual(
      sorted(world.links[author].filter((link) => link.visibility !== 'deleted').map((link) => link.url)),
    );
    for (const viewer of [anonymous(), world.reader]) {
      expect(await listedUrls(viewer, `/v1/users/${username}/links?limit=100`)).toEqual(
        world.publicUrls(author),
      );
      expect(
        await listedUrls(viewer, `/v1/users/${username}/links?${query({ tag: TAG, limit: 100 })}`),
      ).toEqual(world.publicUrls(author, true));
      const searched = await listedUrls(
        viewer,
        `/v1/users/${username}/links?${query({ q: TITLE_WORD, limit: 100 })}`,
      );
      expect(searched.filter((url) => !world.publicUrls(author).includes(url))).toEqual([]);
    }
    expect(await atomUrls(anonymous(), `/users/${username}/feed.atom`)).toEqual(world.publicUrls(author));
    expect(await atomUrls(anonymous(), `/users/${username}/tags/${TAG}/feed.atom`)).toEqual(
      world.publicUrls(author, true),
    );
    const page = (await anonymous().get(`/u/${username}`)).body as unknown as string;
    expect(hidden.filter((url) => page.includes(url))).toEqual([]);
    expect(world.publicUrls(author).filter((url) => !page.includes(url))).toEqual([]);
    const profile = expectJson<{ links_count: number }>(await world.reader.get(`/v1/users/${username}`), 200);
    expect(profile.links_count).toBe(world.publicUrls(author).length);
  }
}

/** What holds once the pipeline is idle: search and news have caught up with every write. */
async function checkSettled(world: World): Promise<void> {
  await pipelineIdle(runtime);
  for (const author of [0, 1] as const) {
    const path = `/v1/users/${world.usernameOf(author)}/links?${query({ q: TITLE_WORD, limit: 100 })}`;
    const searched = await eventually(
      () => listedUrls(anonymous(), path),
      (urls) => JSON.stringify(urls) === JSON.stringify(world.publicUrls(author)),
    );
    expect(searched).toEqual(world.publicUrls(author));
  }
  const news = await newsOf(world);
  for (const author of [0, 1] as const) {
    const username = world.usernameOf(author);
    const shown = new Set(news.filter((event) => event.username === username).map((event) => event.url));
    if (world.following.has(author)) {
      expect(world.publicUrls(author).filter((url) => !shown.has(url))).toEqual([]);
    } else {
      expect([...shown]).toEqual([]);
    }
  }
  await checkAtOnce(world);
}

describe('privacy across every route, racing the pipeline', () => {
  it('given generated histories of links, follows and unfollows, then after every step only the owner sees a private link, and the settled news and search show exactly the public ones', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(aStep, { minLength: 3, maxLength: 12 }), async (steps) => {
        const world = await World.create();
        for (const step of steps) {
          await world.run(step);
          await checkAtOnce(world);
        }
        await checkSettled(world);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);
});
