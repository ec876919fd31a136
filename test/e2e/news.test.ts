import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { ApiClient, startTestRuntime } from '../support/runtime.ts';
import { eventually } from '../support/eventually.ts';
import { pipelineIdle } from '../support/pipeline.ts';

interface NewsEvent {
  id: string;
  event_type: string;
  username: string;
  url: string;
  title: string;
  timestamp: string;
}
interface NewsPage {
  events: NewsEvent[];
  next_token: string | null;
}

let runtime: Runtime;
let alice: ApiClient;
let bob: ApiClient;
let carol: ApiClient;

beforeAll(async () => {
  runtime = await startTestRuntime();
  alice = await ApiClient.loggedIn(runtime.url, 'alice');
  bob = await ApiClient.loggedIn(runtime.url, 'bob');
  carol = await ApiClient.loggedIn(runtime.url, 'carol');
});
afterAll(() => runtime?.stop());

const newsOf = async (client: ApiClient, query = '') => (await client.get<NewsPage>(`/v1/news${query}`)).body;

describe('news: what the people you follow do to their links', () => {
  it('given alice follows bob, when bob adds and updates a link, then alice sees both events, newest first, by bob; when he deletes it, then only the deletion remains', async () => {
    expect((await alice.post('/v1/following', { username: 'bob' })).status).toBe(201);

    await bob.post('/v1/links', { url: 'https://go.dev/', title: 'Go' });
    await bob.put('/v1/links', { url: 'https://go.dev/', title: 'Go, the language' });
    const news = await eventually(
      () => newsOf(alice),
      (page) => page.events.length >= 2,
    );
    expect(news.events.map((e) => e.event_type)).toEqual(['link_updated', 'link_added']);
    expect(news.events.every((e) => e.username === 'bob' && e.url === 'https://go.dev/')).toBe(true);
    const times = news.events.map((e) => Date.parse(e.timestamp));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    await bob.delete('/v1/links?url=https://go.dev/');
    const afterDelete = await eventually(
      () => newsOf(alice),
      (page) => page.events.some((e) => e.event_type === 'link_deleted'),
    );
    expect(afterDelete.events.map((e) => e.event_type)).toEqual(['link_deleted']);
  });

  it('given gus follows hal, when hal adds 12 links and makes each private right after adding it, then none stays in gus’s news once the pipeline is idle', async () => {
    const gus = await ApiClient.loggedIn(runtime.url, 'gus');
    const hal = await ApiClient.loggedIn(runtime.url, 'hal');
    expect((await gus.post('/v1/following', { username: 'hal' })).status).toBe(201);
    const hidden = Array.from({ length: 12 }, (_, i) => `https://hal.example/secret-${i}`);

    for (const url of hidden) {
      expect((await hal.post('/v1/links', { url })).status).toBe(201);
      expect((await hal.put('/v1/links', { url, private: true })).status).toBe(200);
    }
    await hal.post('/v1/links', { url: 'https://hal.example/after' });

    await eventually(
      () => newsOf(gus, '?limit=100'),
      (page) => page.events.some((e) => e.url === 'https://hal.example/after'),
    );
    await pipelineIdle(runtime);
    const news = await newsOf(gus, '?limit=100');
    expect(news.events.filter((e) => hidden.includes(e.url))).toEqual([]);
  });

  it('given carol follows nobody, then her news stays empty', async () => {
    await bob.post('/v1/links', { url: 'https://carol-never-sees.example/' });
    await eventually(
      () => newsOf(alice),
      (page) => page.events.some((e) => e.url === 'https://carol-never-sees.example/'),
    );
    expect((await newsOf(carol)).events).toEqual([]);
  });

  it("given bob adds a private link, then it reaches nobody's news", async () => {
    await bob.post('/v1/links', { url: 'https://private.example/', private: true });
    await bob.post('/v1/links', { url: 'https://public-after-private.example/' });

    const news = await eventually(
      () => newsOf(alice, '?limit=100'),
      (page) => page.events.some((e) => e.url === 'https://public-after-private.example/'),
    );
    expect(news.events.some((e) => e.url === 'https://private.example/')).toBe(false);
  });

  it('given 25 events in a feed, when alice pages with limit=10, then she gets 10, 10, 5 and then next_token null', async () => {
    const dave = await ApiClient.loggedIn(runtime.url, 'dave');
    const erin = await ApiClient.loggedIn(runtime.url, 'erin');
    await erin.post('/v1/following', { username: 'dave' });
    for (let i = 0; i < 25; i++) await dave.post('/v1/links', { url: `https://dave.example/${i}` });
    await eventually(
      () => newsOf(erin, '?limit=100'),
      (page) => page.events.length >= 25,
    );

    const sizes: number[] = [];
    const seen = new Set<string>();
    let token: string | null = null;
    do {
      const page: NewsPage = await newsOf(erin, `?limit=10${token ? `&start_token=${token}` : ''}`);
      sizes.push(page.events.length);
      page.events.forEach((e) => seen.add(e.id));
      token = page.next_token;
    } while (token && sizes.length < 10);

    expect(sizes).toEqual([10, 10, 5]);
    expect(seen.size).toBe(25);
  });

  it('given alice unfollows bob, then his events leave her news', async () => {
    expect((await alice.delete('/v1/following/bob')).status).toBe(204);

    const news = await eventually(
      () => newsOf(alice, '?limit=100'),
      (page) => page.events.every((e) => e.username !== 'bob'),
    );
    expect(news.events.filter((e) => e.username === 'bob')).toEqual([]);
  });

  it('given bob already has links, when carol follows him, then his recent public links arrive in her news', async () => {
    expect((await carol.post('/v1/following', { followed: 'bob' })).status).toBe(201);

    const news = await eventually(
      () => newsOf(carol, '?limit=100'),
      (page) => page.events.length >= 2,
    );
    const urls = news.events.map((e) => e.url);
    expect(urls).toContain('https://carol-never-sees.example/');
    expect(urls).not.toContain('https://private.example/');
    expect(news.events.every((e) => e.event_type === 'link_added' && e.username === 'bob')).toBe(true);
  });
});

describe('the social graph', () => {
  it('after jack follows john: followers(john) = 1, following(john) = 0, followers(jack) = 0, following(jack) = 1', async () => {
    const jack = await ApiClient.loggedIn(runtime.url, 'jack');
    const john = await ApiClient.loggedIn(runtime.url, 'john');
    await jack.post('/v1/following', { username: 'john' });
    const count = async (client: ApiClient, list: string) =>
      ((await client.get<{ users: unknown[] }>(`/v1/${list}`)).body.users ?? []).length;

    expect(await count(john, 'followers')).toBe(1);
    expect(await count(john, 'following')).toBe(0);
    expect(await count(jack, 'followers')).toBe(0);
    expect(await count(jack, 'following')).toBe(1);
  });

  it('answers the contract errors: self-follow 400, unknown user 404, twice 409, not following 404, empty name 400', async () => {
    const frank = await ApiClient.loggedIn(runtime.url, 'frank');
    expect((await frank.post('/v1/following', { username: 'frank' })).body).toMatchObject({
      error: { code: 'invalid_request' },
    });
    expect((await frank.post('/v1/following', { username: 'nobody-here' })).status).toBe(404);
    expect((await frank.post('/v1/following', { username: '' })).status).toBe(400);
    expect((await frank.post('/v1/following', { username: 'alice' })).status).toBe(201);
    const twice = await frank.post('/v1/following', { username: 'alice' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: { code: 'already_following' } });
    expect((await frank.delete('/v1/following?username=carol')).status).toBe(404);
    expect((await frank.delete('/v1/following', { followed: 'alice' })).status).toBe(204);
  });

  it('pages followers newest first with an opaque token', async () => {
    const star = await ApiClient.loggedIn(runtime.url, 'star');
    for (let i = 0; i < 3; i++) {
      const fan = await ApiClient.loggedIn(runtime.url, `fan${i}`);
      await fan.post('/v1/following', { username: 'star' });
    }
    const first = await star.get<{ users: { username: string }[]; next_token: string }>(
      '/v1/followers?limit=2',
    );
    expect(first.body.users.map((u) => u.username)).toEqual(['fan2', 'fan1']);
    const second = await eventually(
      () =>
        star.get<{ users: { username: string }[]; next_token: string | null }>(
          `/v1/followers?limit=2&start_token=${first.body.next_token}`,
        ),
      (page) => page.status === 200,
    );
    expect(second.body.users.map((u) => u.username)).toEqual(['fan0']);
    expect(second.body.next_token).toBeNull();
    expect((await alice.get(`/v1/followers?start_token=${first.body.next_token}`)).status).toBe(400);
  });
});
