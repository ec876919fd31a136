import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { aLink, aUser } from '../../support/builders.ts';
import { parseAtom } from '../../support/atom.ts';
import { call, expectError, importHandler, stubFunctionEnvironment } from '../support/http.ts';
import { News } from '../../../shared/news/core.ts';
import { setNewsForTests } from '../../../shared/news/news-service.ts';
import { PageTokens } from '../../../shared/pagination.ts';
import { MemoryFeedStore } from '../support/memory-feeds.ts';
import { everyLinkPublic } from '../../support/news-world.ts';
import { useInMemoryServices } from '../support/services.ts';

const services = useInMemoryServices();
let listPublicLinks: HttpHandler;
let linkFeed: HttpHandler;
let newsFeed: HttpHandler;
let profilePage: HttpHandler;

beforeAll(async () => {
  stubFunctionEnvironment();
  listPublicLinks = await importHandler('links/list-public-links');
  linkFeed = await importHandler('links/link-feed');
  newsFeed = await importHandler('news/news-feed');
  profilePage = await importHandler('links/profile-page');
});
afterAll(() => {
  setNewsForTests(undefined);
  vi.unstubAllEnvs();
});
beforeEach(async () => {
  setNewsForTests(
    new News(new MemoryFeedStore(), new PageTokens(async () => Buffer.alloc(32, 1)), everyLinkPublic),
  );
  await services.users.createIfAbsent(aUser({ username: 'alice' }));
  await services.links.insert(aLink({ url: 'https://public.example/' }), 100);
  await services.links.insert(aLink({ url: 'https://secret.example/', private: true }), 100);
});

const listing = (headers: Record<string, string> = {}) =>
  call<{ links: { url: string }[] }>(listPublicLinks, {
    method: 'GET',
    path: '/v1/users/alice/links',
    routeKey: 'GET /v1/users/{username}/links',
    pathParameters: { username: 'alice' },
    headers,
  });

describe('GET /v1/users/{username}/links', () => {
  it("given alice's own token, then she gets the same public view as anybody, with ETag and Cache-Control", async () => {
    services.givenSession('dlk_alice-token', { username: 'alice' });

    const anonymous = await listing();
    const owner = await listing({ authorization: 'Bearer dlk_alice-token' });

    expect(anonymous.status).toBe(200);
    expect(anonymous.body.links.map((link) => link.url)).toEqual(['https://public.example/']);
    expect(owner.text).toBe(anonymous.text);
    expect(anonymous.headers['etag']).toMatch(/^"[\w-]+"$/);
    expect(owner.headers['etag']).toBe(anonymous.headers['etag']);
    expect(anonymous.headers['cache-control']).toBe('public, no-cache');
  });

  it('given If-None-Match with the ETag (alone, in a list, or weak), then 304 with no body and the same ETag; another tag, 200', async () => {
    const etag = (await listing()).headers['etag']!;

    for (const ifNoneMatch of [etag, `"other", ${etag}`, `W/${etag}`, '*']) {
      const answer = await listing({ 'if-none-match': ifNoneMatch });
      expect(answer.status, ifNoneMatch).toBe(304);
      expect(answer.text).toBeUndefined();
      expect(answer.headers['etag']).toBe(etag);
      expect(answer.headers['content-type']).toBeUndefined();
    }
    expect((await listing({ 'if-none-match': '"other"' })).status).toBe(200);
  });

  it("given HEAD, then the GET's status and headers, ETag and Cache-Control included, without a body", async () => {
    const got = await listing();

    const head = await call(listPublicLinks, {
      method: 'HEAD',
      path: '/v1/users/alice/links',
      routeKey: 'HEAD /v1/users/{username}/links',
      pathParameters: { username: 'alice' },
    });

    expect(head.status).toBe(200);
    expect(head.text).toBeUndefined();
    expect(head.headers['etag']).toBe(got.headers['etag']);
    expect(head.headers['cache-control']).toBe('public, no-cache');
    expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('given an unknown user, then 404 and nothing cacheable', async () => {
    const answer = await call(listPublicLinks, {
      method: 'GET',
      path: '/v1/users/nobody/links',
      pathParameters: { username: 'nobody' },
    });

    expectError(answer, 404, 'not_found');
    expect(answer.headers['etag']).toBeUndefined();
  });
});

describe('the Atom feeds', () => {
  it("given alice's links, then her feed is Atom with the public link only", async () => {
    const answer = await call(linkFeed, {
      method: 'GET',
      path: '/users/alice/feed.atom',
      pathParameters: { username: 'alice' },
      headers: { host: 'api.example.com', 'x-forwarded-proto': 'https' },
    });

    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('public, no-cache');
    const feed = parseAtom(answer.text!);
    expect(feed.entries.map((entry) => entry.links[0]?.href)).toEqual(['https://public.example/']);
    expect(feed.links).toContainEqual({ rel: 'self', href: 'https://api.example.com/users/alice/feed.atom' });
  });

  it('given a feed token in the path, then the news feed; an unknown token 401; a path without .atom 404', async () => {
    services.givenSession('dlk_feed-token', { username: 'alice', scope: 'feed' });
    const news = (file: string) =>
      call(newsFeed, { method: 'GET', path: `/feeds/news/${file}`, pathParameters: { feed_file: file } });

    const answer = await news('dlk_feed-token.atom');

    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('private, no-cache');
    expect(parseAtom(answer.text!).entries).toEqual([]);
    expectError(await news('dlk_unknown.atom'), 401, 'unauthorized');
    expectError(await news('dlk_feed-token'), 404, 'not_found');
  });

  it.each([['read'], ['write'], ['session']] as const)(
    'given a valid token of scope %s in the path, then 403: a URL may hold only a token that reads the news',
    async (scope) => {
      services.givenSession('dlk_wider-token', { username: 'alice', scope });

      const answer = await call(newsFeed, {
        method: 'GET',
        path: '/feeds/news/dlk_wider-token.atom',
        pathParameters: { feed_file: 'dlk_wider-token.atom' },
      });

      const body = expectError(answer, 403, 'insufficient_scope');
      expect(body.error.details).toEqual({ scope, needed: 'feed' });
    },
  );
});

describe('GET /u/{username}', () => {
  const page = (username: string) =>
    call(profilePage, {
      method: 'GET',
      path: `/u/${username}`,
      pathParameters: { username },
      headers: { host: 'api.example.com', 'x-forwarded-proto': 'https' },
    });

  it('given a user with a name and a link full of markup, then a page with Open Graph and Twitter tags, everything escaped, no script', async () => {
    await services.users.createIfAbsent(
      aUser({
        username: 'mallory',
        name: '"><script>alert(1)</script>',
        avatar_url: 'https://avatars.example/m.png',
      }),
    );
    await services.links.insert(
      aLink({
        username: 'mallory',
        url: 'https://x.example/?a=1&b="2"',
        title: '<img src=x onerror=alert(1)>',
      }),
      100,
    );
    await services.links.insert(
      aLink({ username: 'mallory', url: 'https://hidden.example/', private: true }),
      100,
    );

    const answer = await page('mallory');

    expect(answer.status).toBe(200);
    const html = answer.text!;
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('hidden.example');
    expect(html).toContain(
      '<meta property="og:title" content="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(html).toContain('<meta property="og:url" content="https://api.example.com/u/mallory">');
    expect(html).toContain('<meta property="og:image" content="https://avatars.example/m.png">');
    expect(html).toContain('<meta name="twitter:card" content="summary">');
    expect(html).toContain('1 public link, 0 followers.');
    expect(html).toContain('href="https://x.example/?a=1&amp;b=&quot;2&quot;"');
    expect(answer.headers['content-security-policy']).toContain('img-src https://avatars.example');
    expect(answer.headers['content-security-policy']).not.toContain('script-src');
    expect(answer.headers['etag']).toBeDefined();
  });

  it('given an avatar URL that is not https, then no image at all', async () => {
    await services.users.createIfAbsent(aUser({ username: 'eve', avatar_url: 'javascript:alert(1)' }));

    const answer = await page('eve');

    expect(answer.text).not.toContain('javascript:');
    expect(answer.text).not.toContain('og:image');
  });

  it('given an unknown user, then 404', async () => {
    expectError(await page('nobody'), 404, 'not_found');
  });
});
