import { beforeAll, describe, expect, it } from 'vitest';
import { RawApiClient } from '../support/runtime.ts';
import {
  expectCommonHeaders,
  expectError,
  expectJson,
  query,
  type LinkEnvelope,
  type LinkListing,
  useRuntime,
} from './helpers.ts';

/**
 * Every error row of the contract that the links API can produce, except 401 (auth.test.ts) and 403
 * (link-limit.test.ts): status, `error.code`, `details` where it names fields, the headers that go with it,
 * and never a 500.
 */

const api = useRuntime();
const login = api.login;

describe('400 invalid_request', () => {
  let alice: RawApiClient;
  beforeAll(async () => {
    alice = await login('alice');
  });

  it('given no url, when a link is added, then 400 with details.url "required"', async () => {
    const body = expectError(await alice.post('/v1/links', { title: 'No url' }), 400, 'invalid_request');

    expect(body.error.details).toEqual({ url: 'required' });
  });

  it('given an empty body, when a link is added, then 400 names the url', async () => {
    const body = expectError(
      await alice.raw('POST', '/v1/links', { body: '', headers: { 'content-type': 'application/json' } }),
      400,
      'invalid_request',
    );

    expect(body.error.details).toHaveProperty('url');
  });

  it.each([
    ['ftp://example.com/file'],
    ['javascript:alert(1)'],
    ['mailto:someone@example.com'],
    ['file:///etc/passwd'],
    ['not a url'],
    ['/relative/path'],
    ['https://'],
  ])('given the URL %j, when a link is added, then 400 names the url', async (url) => {
    const body = expectError(await alice.post('/v1/links', { url }), 400, 'invalid_request');

    expect(body.error.details).toHaveProperty('url');
    const listing = expectJson<LinkListing>(await alice.get('/v1/links?limit=100'), 200);
    expect(listing.links.map((link) => link.url)).not.toContain(url);
  });

  it('given a URL with a user name and password, when a link is added, then 400 says why and nothing is stored', async () => {
    const url = 'https://alice:s3cret@intranet.example/wiki';

    const body = expectError(await alice.post('/v1/links', { url }), 400, 'invalid_request');

    expect(body.error.details).toEqual({
      url: 'must not contain a user name or password (user:password@): they would be shown with the link',
    });
    const listing = expectJson<LinkListing>(await alice.get('/v1/links?limit=100'), 200);
    expect(listing.links.map((link) => link.url).filter((stored) => stored.includes('intranet'))).toEqual([]);
  });

  it.each([
    ['a space', 'https://example.com/a b', 'must not contain whitespace'],
    ['a tab', 'https://example.com/a\tb', 'must not contain control characters'],
    ['a newline', 'https://example.com/\nSet-Cookie:x', 'must not contain control characters'],
    ['a NUL', 'https://example.com/\u0000', 'must not contain control characters'],
    ['DEL', 'https://example.com/\u007f', 'must not contain control characters'],
    ['a no-break space', 'https://example.com/a\u00a0b', 'must not contain whitespace'],
    ['a backslash', 'https://example.com\\@evil.example/', 'must not contain backslashes'],
  ])(
    'given a URL with %s, when a link is added, then 400 names the url and nothing is stored',
    async (_case, url, why) => {
      const body = expectError(await alice.post('/v1/links', { url }), 400, 'invalid_request');

      expect(body.error.details).toEqual({ url: why });
      const listing = expectJson<LinkListing>(await alice.get('/v1/links?limit=100'), 200);
      expect(
        listing.links.map((link) => link.url).filter((stored) => stored.includes('example.com/a')),
      ).toEqual([]);
    },
  );

  it('given a URL with whitespace, when a link is updated, deleted or its snapshot asked for, then 400 names the url', async () => {
    const url = 'https://example.com/a b';

    for (const response of [
      await alice.put('/v1/links', { url, title: 'x' }),
      await alice.delete(`/v1/links?${query({ url })}`),
      await alice.get(`/v1/links/snapshot?${query({ url })}`),
    ]) {
      expect(expectError(response, 400, 'invalid_request').error.details).toEqual({
        url: 'must not contain whitespace',
      });
    }
  });

  it('given a URL over 2,048 characters, when a link is added, then 400 names the url', async () => {
    const url = `https://example.com/${'a'.repeat(2048)}`;

    const body = expectError(await alice.post('/v1/links', { url }), 400, 'invalid_request');

    expect(body.error.details).toHaveProperty('url');
  });

  it('given a URL of exactly 2,048 characters, when a link is added, then it is accepted', async () => {
    const base = 'https://example.com/';
    const url = base + 'b'.repeat(2048 - base.length);

    expect(expectJson<LinkEnvelope>(await alice.post('/v1/links', { url }), 201).link.url).toBe(url);
  });

  it('given a body that is not valid JSON, when a link is added, then 400, not 500', async () => {
    const response = await alice.raw('POST', '/v1/links', {
      body: '{"url": "https://golang.org/",',
      headers: { 'content-type': 'application/json' },
    });

    expectError(response, 400, 'invalid_request');
  });

  it.each([['[]'], ['null'], ['"https://golang.org/"'], ['42']])(
    'given the JSON body %s that is not an object, when a link is added, then 400',
    async (json) => {
      const response = await alice.raw('POST', '/v1/links', {
        body: json,
        headers: { 'content-type': 'application/json' },
      });

      expectError(response, 400, 'invalid_request');
    },
  );

  it('given a title of 513 characters, when a link is added, then 400 names the title', async () => {
    const body = expectError(
      await alice.post('/v1/links', { url: 'https://long-title.example/', title: 'x'.repeat(513) }),
      400,
      'invalid_request',
    );

    expect(body.error.details).toEqual({ title: expect.any(String) });
  });

  it('given a title of 512 characters, when a link is added, then it is accepted', async () => {
    const title = 'x'.repeat(512);

    const added = await alice.post<LinkEnvelope>('/v1/links', { url: 'https://title-512.example/', title });

    expect(expectJson<LinkEnvelope>(added, 201).link.title).toBe(title);
  });

  it('given a description over 4,096 characters, when a link is updated, then 400 names the description', async () => {
    expectJson(await alice.post('/v1/links', { url: 'https://desc.example/' }), 201);

    const body = expectError(
      await alice.put('/v1/links', { url: 'https://desc.example/', description: 'd'.repeat(4097) }),
      400,
      'invalid_request',
    );

    expect(body.error.details).toHaveProperty('description');
  });

  it('given a tag with whitespace inside a list item, when a link is added, then 400 names the tags', async () => {
    const body = expectError(
      await alice.post('/v1/links', { url: 'https://tags.example/', tags: ['go', 'go lang'] }),
      400,
      'invalid_request',
    );

    expect(Object.keys(body.error.details ?? {}).some((field) => field.startsWith('tags'))).toBe(true);
  });

  it.each([
    ['a comma inside a list item', ['go,lang']],
    ['an empty tag', ['']],
    ['a tag of 65 characters', ['t'.repeat(65)]],
    ['101 tags', Array.from({ length: 101 }, (_, i) => `t${i}`)],
    ['a number', 42],
  ])('given %s, when a link is added, then 400 names the tags', async (_case, tags) => {
    const body = expectError(
      await alice.post('/v1/links', { url: 'https://tags.example/', tags }),
      400,
      'invalid_request',
    );

    expect(Object.keys(body.error.details ?? {}).some((field) => field.startsWith('tags'))).toBe(true);
  });

  it('given fields of the wrong type, when a link is added, then 400 names each of them', async () => {
    const body = expectError(
      await alice.post('/v1/links', { url: 'https://types.example/', title: 5, private: 'maybe' }),
      400,
      'invalid_request',
    );

    expect(body.error.details).toEqual({ title: expect.any(String), private: expect.any(String) });
  });

  it('given a field the route does not take, when a link is added, then 400 names it and no link is made', async () => {
    const url = 'https://visibility.example/';

    const body = expectError(
      await alice.post('/v1/links', { url, visibility: 'private' }),
      400,
      'invalid_request',
    );

    expect(body.error.details).toEqual({
      visibility: 'unknown field; this request takes url, title, description, tags, private',
    });
    const listing = expectJson<LinkListing>(await alice.get('/v1/links?limit=100'), 200);
    expect(listing.links.map((link) => link.url)).not.toContain(url);
  });

  it('given a misspelt field in an update, by body or by query string, when sent, then 400 and the link unchanged', async () => {
    const url = 'https://misspelt.example/';
    expectJson(await alice.post('/v1/links', { url, title: 'Kept' }), 201);

    const byBody = expectError(await alice.put('/v1/links', { url, titel: 'Lost' }), 400, 'invalid_request');
    const byQuery = expectError(
      await alice.raw('PUT', `/v1/links?${query({ url, privat: 'true' })}`),
      400,
      'invalid_request',
    );

    expect(Object.keys(byBody.error.details ?? {})).toEqual(['titel']);
    expect(Object.keys(byQuery.error.details ?? {})).toEqual(['privat']);
    const listing = expectJson<LinkListing>(await alice.get('/v1/links?limit=100'), 200);
    expect(listing.links.find((link) => link.url === url)).toMatchObject({ title: 'Kept', private: false });
  });

  it.each([
    ['POST', '/v1/following', { username: 'bob', notify: true }, 'notify'],
    ['POST', '/v1/tokens', { name: 'reader', scope: 'read', expires: 30 }, 'expires'],
    ['POST', '/v1/imports', { format: 'netscape', overwrite: true }, 'overwrite'],
    ['DELETE', '/v1/me', { confirm: 'alice', reason: 'leaving' }, 'reason'],
  ] as const)(
    'given an unknown field, when %s %s is sent, then 400 names it',
    async (method, path, fields, unknown) => {
      const body = expectError(
        await alice.raw(method, path, {
          body: JSON.stringify(fields),
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'invalid_request',
      );

      expect(Object.keys(body.error.details ?? {})).toEqual([unknown]);
    },
  );

  it('given an update without url, when sent, then 400 names the url', async () => {
    const body = expectError(await alice.put('/v1/links', { title: 'x' }), 400, 'invalid_request');

    expect(body.error.details).toEqual({ url: 'required' });
  });

  it('given a delete without url, when sent, then 400 names the url', async () => {
    const body = expectError(await alice.delete('/v1/links'), 400, 'invalid_request');

    expect(body.error.details).toEqual({ url: 'required' });
  });

  it.each([['0'], ['101'], ['-1'], ['2.5'], ['ten']])(
    'given limit=%s, when listing, then 400 names the limit',
    async (limit) => {
      const body = expectError(await alice.get(`/v1/links?limit=${limit}`), 400, 'invalid_request');

      expect(body.error.details).toHaveProperty('limit');
    },
  );

  it('given limit=1 and limit=100, when listing, then both are accepted', async () => {
    expectJson(await alice.get('/v1/links?limit=1'), 200);
    expectJson(await alice.get('/v1/links?limit=100'), 200);
  });

  it.each([
    ['url_regex', '('],
    ['title_regex', '[a-'],
    ['description_regex', 'a{2,1}'],
    ['url_regex', '(?<=a)b'],
  ])(
    'given %s=%j that RE2 cannot compile, when listing, then 400 names the field',
    async (field, pattern) => {
      const body = expectError(
        await alice.get(`/v1/links?${query({ [field]: pattern })}`),
        400,
        'invalid_request',
      );

      expect(body.error.details).toHaveProperty(field);
    },
  );

  it('given a regex over 256 characters, when listing, then 400 names the field', async () => {
    const body = expectError(
      await alice.get(`/v1/links?${query({ title_regex: 'a'.repeat(257) })}`),
      400,
      'invalid_request',
    );

    expect(body.error.details).toHaveProperty('title_regex');
  });

  describe('start_token', () => {
    let owner: RawApiClient;
    let token: string;
    beforeAll(async () => {
      owner = await login('pager');
      for (const url of ['https://1.example/', 'https://2.example/', 'https://3.example/']) {
        expectJson(await owner.post('/v1/links', { url }), 201);
      }
      token = expectJson<LinkListing>(await owner.get('/v1/links?limit=1'), 200).next_token!;
      expect(token).toEqual(expect.any(String));
    });

    it('given the genuine token, when the next page is asked for, then it is served', async () => {
      const page = expectJson<LinkListing>(
        await owner.get(`/v1/links?${query({ start_token: token })}`),
        200,
      );

      expect(page.links).toHaveLength(2);
    });

    it('given a token with one character changed, when the next page is asked for, then 400 names start_token', async () => {
      const at = Math.floor(token.length / 3);
      const tampered = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);

      const body = expectError(
        await owner.get(`/v1/links?${query({ start_token: tampered })}`),
        400,
        'invalid_request',
      );

      expect(body.error.details).toHaveProperty('start_token');
    });

    it('given the genuine token, when its bytes are decoded, then they reveal neither the last URL nor the owner', async () => {
      const bytes = Buffer.from(token, 'base64url');

      for (const secret of ['example', 'pager', 'https']) {
        expect(token).not.toContain(secret);
        expect(bytes.includes(secret), secret).toBe(false);
      }
    });

    it('given a token whose encrypted bytes were flipped, when used, then 400', async () => {
      const sealed = Buffer.from(token, 'base64url');
      sealed[sealed.length >> 1] = sealed[sealed.length >> 1]! ^ 0x20;

      expectError(
        await owner.get(`/v1/links?${query({ start_token: sealed.toString('base64url') })}`),
        400,
        'invalid_request',
      );
    });

    it.each([['garbage'], ['a.b'], ['a.b.c'], ['.'], [' ']])(
      'given the made-up token %j, when used, then 400',
      async (made) => {
        expectError(await owner.get(`/v1/links?${query({ start_token: made })}`), 400, 'invalid_request');
      },
    );

    it("given another user's genuine token, when used, then 400 and never a page of anyone's links", async () => {
      const other = await login('other');
      expectJson(await other.post('/v1/links', { url: 'https://other.example/' }), 201);

      const body = expectError(
        await other.get(`/v1/links?${query({ start_token: token })}`),
        400,
        'invalid_request',
      );

      expect(body.error.details).toHaveProperty('start_token');
      expect(JSON.stringify(body)).not.toContain('example/');
    });
  });
});

describe('404 not_found', () => {
  let alice: RawApiClient;
  beforeAll(async () => {
    alice = await login('alice');
  });

  it.each([
    ['GET', '/nowhere'],
    ['GET', '/v1/nowhere'],
    ['POST', '/v1/links/extra'],
    ['GET', '/v2/links'],
    ['GET', '/v1.1/links'],
    ['GET', '/'],
  ])('given the unknown route %s %s, when called, then 404 in the contract format', async (method, path) => {
    expectError(await alice.raw(method, path), 404, 'not_found');
  });

  it('given no token, when an unknown route is called, then it is still 404, not 401', async () => {
    expectError(await new RawApiClient(api.url).get('/v1/nowhere'), 404, 'not_found');
  });

  it('given no such link, when it is updated (PUT or PATCH), then 404', async () => {
    expectError(
      await alice.put('/v1/links', { url: 'https://missing.example/', title: 'x' }),
      404,
      'not_found',
    );
    expectError(
      await alice.patch('/v1/links', { url: 'https://missing.example/', title: 'x' }),
      404,
      'not_found',
    );
  });

  it('given no such link, when it is deleted by query or by body, then 404', async () => {
    expectError(
      await alice.delete(`/v1/links?${query({ url: 'https://missing.example/' })}`),
      404,
      'not_found',
    );
    expectError(await alice.delete('/v1/links', { url: 'https://missing.example/' }), 404, 'not_found');
  });

  it('given a deleted link, when it is deleted again, then 404', async () => {
    expectJson(await alice.post('/v1/links', { url: 'https://twice.example/' }), 201);
    expect((await alice.delete('/v1/links', { url: 'https://twice.example/' })).status).toBe(204);

    expectError(await alice.delete('/v1/links', { url: 'https://twice.example/' }), 404, 'not_found');
  });
});

describe('405 method_not_allowed', () => {
  it.each([
    ['PATCH', '/healthz', 'GET, HEAD'],
    ['POST', '/healthz', 'GET, HEAD'],
    ['DELETE', '/v1/tags', 'GET, HEAD'],
    ['POST', '/v1.0/tags', 'GET, HEAD'],
    ['PUT', '/openapi.json', 'GET, HEAD'],
    ['GET', '/dev/login', 'POST'],
    ['PUT', '/logout', 'POST, GET'],
    ['OPTIONS', '/v1/links', 'GET, HEAD, POST, PUT, PATCH, DELETE'],
  ])('given %s %s, when called, then 405 with Allow: %s', async (method, path, allow) => {
    const anonymous = new RawApiClient(api.url);

    const response = await anonymous.raw(method, path);

    expectError(response, 405, 'method_not_allowed');
    const allowed = (response.headers.get('allow') ?? '').split(/,\s*/).sort();
    expect(allowed).toEqual(allow.split(', ').sort());
  });
});

describe('HEAD', () => {
  it('given the health check, when a monitor sends HEAD, then 200 with the headers of the GET and no body', async () => {
    const anonymous = new RawApiClient(api.url);

    const head = await anonymous.head('/healthz');

    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expectCommonHeaders(head);
    expect(head.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it("given a feed, when HEAD asks for it, then the GET's ETag, and 304 once the client holds it", async () => {
    const alice = await login('alice');
    await alice.post('/v1/links', { url: 'https://head.example/' });
    const username = expectJson<{ username: string }>(await alice.get('/v1/me'), 200).username;
    const feed = `/users/${username}/feed.atom`;
    const got = await alice.get(feed);

    const head = await alice.head(feed);

    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers.get('etag')).toBe(got.headers.get('etag'));
    expect(head.headers.get('content-type')).toBe(got.headers.get('content-type'));
    expect((await alice.head(feed, { 'if-none-match': got.headers.get('etag')! })).status).toBe(304);
  });

  it('given no token, when HEAD asks for the links, then 401 without a body', async () => {
    const head = await new RawApiClient(api.url).head('/v1/links');

    expect(head.status).toBe(401);
    expect(head.body).toBe('');
  });

  it('given GET /logout, which ends the session, when HEAD is sent there, then 405 and the token still works', async () => {
    const alice = await login('alice');

    const head = await alice.head('/logout');

    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('POST, GET');
    expect((await alice.get('/v1/links')).status).toBe(200);
  });
});

describe('409 already_exists', () => {
  let alice: RawApiClient;
  let original: LinkEnvelope['link'];
  beforeAll(async () => {
    alice = await login('alice');
    original = expectJson<LinkEnvelope>(
      await alice.post('/v1/links', { url: 'https://golang.org/doc/', title: 'Go docs', tags: 'go' }),
      201,
    ).link;
  });

  it.each([
    ['the same URL', 'https://golang.org/doc/'],
    ['an upper-case scheme and host', 'HTTPS://GOLANG.ORG/doc/'],
    ['a mixed-case host', 'https://GoLang.Org/doc/'],
    ['a fragment', 'https://golang.org/doc/#install'],
    ['the default port', 'https://golang.org:443/doc/'],
  ])('given a link, when %s is added again, then 409 carries the existing link', async (_case, url) => {
    const body = expectError(
      await alice.post('/v1/links', { url, title: 'Again', tags: 'other' }),
      409,
      'already_exists',
    );

    expect(body.link).toEqual(original);
  });

  it('given the duplicates were refused, when listing, then the one original link is unchanged', async () => {
    expect(expectJson<LinkListing>(await alice.get('/v1/links'), 200).links).toEqual([original]);
  });

  it('given URLs that differ in path case, query or scheme, when added, then they are not duplicates', async () => {
    for (const url of ['https://golang.org/DOC/', 'https://golang.org/doc/?q=1', 'http://golang.org/doc/']) {
      expectJson(await alice.post('/v1/links', { url }), 201);
    }
  });

  it('given another user has the same URL, when added, then it is no duplicate of theirs', async () => {
    const bob = await login('bob');

    expectJson(await bob.post('/v1/links', { url: 'https://golang.org/doc/' }), 201);
  });
});

describe('413 payload_too_large', () => {
  it('given a JSON body over 64 KiB, when a link is added, then 413', async () => {
    const alice = await login('alice');
    const body = JSON.stringify({ url: 'https://big.example/', description: 'x'.repeat(64 * 1024) });

    const response = await alice.raw('POST', '/v1/links', {
      body,
      headers: { 'content-type': 'application/json' },
    });

    expectError(response, 413, 'payload_too_large');
    expect(expectJson<LinkListing>(await alice.get('/v1/links'), 200).links).toEqual([]);
  });

  it('given a form body over 64 KiB, when a link is updated, then 413', async () => {
    const alice = await login('alice');

    const response = await alice.form('PUT', '/v1/links', {
      url: 'https://big.example/',
      description: 'x'.repeat(70 * 1024),
    });

    expectError(response, 413, 'payload_too_large');
  });

  it('given a body of exactly 64 KiB, when a link is added, then the size is no error', async () => {
    const alice = await login('alice');
    // Padded with whitespace, which JSON allows around a value: every field is one the route takes.
    const json = JSON.stringify({ url: 'https://edge.example/' });
    const body = json + ' '.repeat(64 * 1024 - json.length);
    expect(Buffer.byteLength(body)).toBe(64 * 1024);

    const response = await alice.raw('POST', '/v1/links', {
      body,
      headers: { 'content-type': 'application/json' },
    });

    expectJson(response, 201);
  });

  it('given a body over the 10 MiB gateway limit, when sent, then 413 in the contract format', async () => {
    const alice = await login('alice');

    const response = await alice.raw('POST', '/v1/links', {
      body: new Uint8Array(10 * 1024 * 1024 + 1).fill(0x61),
      headers: { 'content-type': 'application/json' },
    });

    expectError(response, 413, 'payload_too_large');
  });
});

describe('answers the local server gives itself', () => {
  it('given request headers over the server limit, when sent, then 431 in the contract format with the common headers', async () => {
    const alice = await login('alice');

    const response = await alice.raw('GET', '/v1/links', { headers: { 'x-padding': 'a'.repeat(64 * 1024) } });

    expect(response.status).toBe(431);
    expectCommonHeaders(response);
    expect(response.body).toMatchObject({ error: { code: 'headers_too_large' } });
  });
});

describe('415 unsupported_media_type', () => {
  let alice: RawApiClient;
  beforeAll(async () => {
    alice = await login('alice');
  });

  it.each([
    ['text/plain', 'url=https://golang.org/'],
    ['text/plain; charset=utf-8', '{"url":"https://golang.org/"}'],
    ['application/xml', '<url>https://golang.org/</url>'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('given a %s body, when a link is added, then 415', async (contentType, body) => {
    const response = await alice.raw('POST', '/v1/links', { body, headers: { 'content-type': contentType } });

    expectError(response, 415, 'unsupported_media_type');
  });

  it('given a body without any content type, when a link is added, then 415', async () => {
    const response = await alice.raw('POST', '/v1/links', { body: '{"url":"https://golang.org/"}' });

    expectError(response, 415, 'unsupported_media_type');
    expect(expectJson<LinkListing>(await alice.get('/v1/links'), 200).links).toEqual([]);
  });

  it('given application/json with a charset, when a link is added, then it is JSON', async () => {
    const response = await alice.raw('POST', '/v1/links', {
      body: '{"url":"https://charset.example/"}',
      headers: { 'content-type': 'Application/JSON; charset=UTF-8' },
    });

    expectJson(response, 201);
  });
});

describe('headers on every answer', () => {
  it('given a mix of successes and failures, when each is answered, then each has its own x-request-id', async () => {
    const alice = await login('alice');
    const anonymous = new RawApiClient(api.url);
    const responses = [
      await anonymous.get('/healthz'),
      await alice.get('/v1/links'),
      await alice.post('/v1/links', { url: 'https://ids.example/' }),
      await alice.post('/v1/links', { url: 'https://ids.example/' }),
      await alice.delete('/v1/links', { url: 'https://ids.example/' }),
      await anonymous.get('/v1/links'),
      await anonymous.get('/nowhere'),
      await anonymous.raw('DELETE', '/v1/tags'),
      await alice.raw('POST', '/v1/links', { body: 'x', headers: { 'content-type': 'text/plain' } }),
    ];

    expect(responses.map((r) => r.status)).toEqual([200, 200, 201, 409, 204, 401, 404, 405, 415]);
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^\S+$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (const response of responses.filter((r) => r.status !== 204)) {
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
  });
});
