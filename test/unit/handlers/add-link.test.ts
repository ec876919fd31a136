import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { Unavailable } from '../../../shared/errors.ts';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { MAX_BODY_BYTES } from '../../../shared/http/request.ts';
import type { LinkResponse } from '../../../shared/links/schemas.ts';
import { aLink, type ApiEventInput } from '../../support/builders.ts';
import { validationError } from '../support/dynamo.ts';
import { call, expectError, stubFunctionEnvironment } from '../support/http.ts';
import { NOW, useInMemoryServices } from '../support/services.ts';

const TOKEN = 'dlk_alices-unit-test-token';
const MAX_LINKS = 3;
const services = useInMemoryServices({ maxLinksPerUser: MAX_LINKS });
let addLink: HttpHandler;
let inserts: MockInstance;

beforeAll(async () => {
  stubFunctionEnvironment();
  ({ handler: addLink } = await import('../../../functions/links/add-link.ts'));
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  services.givenSession(TOKEN, { username: 'alice' });
  inserts = vi.spyOn(services.links, 'insert');
});

const post = (body: unknown, more: Partial<ApiEventInput> = {}) =>
  call<{ link: LinkResponse }>(addLink, { method: 'POST', path: '/v1/links', token: TOKEN, body, ...more });

describe('POST /v1/links: adding a link', () => {
  it('given a new URL, when alice adds it, then 201 with the pending link, stored once under her name', async () => {
    const answer = await post({ url: 'https://golang.org/', title: 'Golang', tags: 'Go, k8s go' });

    expect(answer.status).toBe(201);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.body.link).toMatchObject({
      url: 'https://golang.org/',
      title: 'Golang',
      description: '',
      tags: ['go', 'k8s'],
      private: false,
      status: 'pending',
      http_status: null,
      checked_at: null,
    });
    expect(answer.body.link.created_at).toBe(new Date(NOW).toISOString());
    expect(inserts).toHaveBeenCalledTimes(1);
    expect(services.links.stored('alice', 'https://golang.org/')).toMatchObject({
      username: 'alice',
      title: 'Golang',
      tags: ['go', 'k8s'],
    });
  });

  it('given a form body, as the original clients send, when a link is added, then its fields are read from it', async () => {
    const answer = await post(
      new URLSearchParams({ url: 'https://k8s.io/', tags: 'k8s,ops', private: 'on' }).toString(),
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    );

    expect(answer.status).toBe(201);
    expect(answer.body.link).toMatchObject({ url: 'https://k8s.io/', tags: ['k8s', 'ops'], private: true });
  });

  it('given the fields in the query string and no body, when a link is added, then they are used', async () => {
    const answer = await post(undefined, { query: { url: 'https://golang.org/', title: 'From the query' } });

    expect(answer.status).toBe(201);
    expect(answer.body.link.title).toBe('From the query');
  });

  it('given a title and a description with whitespace around them, when the link is added, then both are kept without it; a title of spaces is empty', async () => {
    const answer = await post({ url: 'https://go.dev/', title: '  Go\n', description: '\tThe site.\r\n' });
    const spaces = await post({ url: 'https://k8s.io/', title: '   ' });

    expect(answer.body.link).toMatchObject({ title: 'Go', description: 'The site.' });
    expect(spaces.body.link.title).toBe('');
  });

  it('given alice already has the URL, when she adds it again, then 409 already_exists carrying the existing link', async () => {
    const existing = aLink({
      username: 'alice',
      url: 'https://golang.org/',
      title: 'The first time',
      tags: ['go'],
      created_at: '2026-01-02T03:04:05.678Z',
    });
    await services.links.insert(existing, MAX_LINKS);

    const body = expectError(
      await post({ url: 'https://golang.org/', title: 'Again' }),
      409,
      'already_exists',
    );

    expect(body.link).toEqual({
      url: 'https://golang.org/',
      title: 'The first time',
      description: '',
      tags: ['go'],
      private: false,
      status: 'pending',
      http_status: null,
      checked_at: null,
      created_at: '2026-01-02T03:04:05.678Z',
      updated_at: '2026-01-02T03:04:05.678Z',
    });
  });

  it('given alice is at the link limit, when she adds a link, then 403 link_limit_reached', async () => {
    for (let i = 0; i < MAX_LINKS; i++) {
      await services.links.insert(aLink({ url: `https://example.com/${i}` }), MAX_LINKS);
    }

    expectError(await post({ url: 'https://golang.org/' }), 403, 'link_limit_reached');
    expect(services.links.stored('alice', 'https://golang.org/')).toBeUndefined();
  });

  it('given the link store is unavailable (throttled past the retries), when a link is added, then 503 unavailable', async () => {
    inserts.mockRejectedValue(new Unavailable('The links table is throttled.'));

    expectError(await post({ url: 'https://golang.org/' }), 503, 'unavailable');
  });

  it('given the session lookup itself is unavailable, when a link is added, then 503, not 401', async () => {
    vi.spyOn(services.sessions, 'get').mockRejectedValue(new Unavailable('The users table is throttled.'));

    expectError(await post({ url: 'https://golang.org/' }), 503, 'unavailable');
  });
});

describe('POST /v1/links: refusing what it cannot take', () => {
  it.each([
    ['an ftp URL', { url: 'ftp://example.com/file' }, 'url'],
    ['a relative URL', { url: '/just/a/path' }, 'url'],
    ['no URL', { title: 'No url' }, 'url'],
    ['a tag with whitespace', { url: 'https://golang.org/', tags: ['two words'] }, 'tags.0'],
    ['a tag of 65 characters', { url: 'https://golang.org/', tags: ['t'.repeat(65)] }, 'tags.0'],
    ['a title of 513 characters', { url: 'https://golang.org/', title: 'x'.repeat(513) }, 'title'],
    [
      'a description of 4,097 characters',
      { url: 'https://golang.org/', description: 'x'.repeat(4097) },
      'description',
    ],
  ])(
    'given %s, when a link is added, then 400 invalid_request naming the field, and nothing is written',
    async (_case, body, field) => {
      const error = expectError(await post(body), 400, 'invalid_request');

      expect(Object.keys(error.error.details ?? {})).toEqual([field]);
      expect(inserts).not.toHaveBeenCalled();
    },
  );

  it('given no url at all, when a link is added, then details.url says it is required', async () => {
    const error = expectError(await post({ title: 'No url' }), 400, 'invalid_request');

    expect(error.error.details).toEqual({ url: 'required' });
  });

  it('given a url that is a number, when a link is added, then details.url says what is wrong, not "required"', async () => {
    const error = expectError(await post({ url: 123 }), 400, 'invalid_request');

    expect(error.error.details?.url).toEqual(expect.stringContaining('expected string'));
  });

  it('given a body that is not valid JSON, when a link is added, then 400 invalid_request saying so', async () => {
    const error = expectError(
      await post('{"url": "https://golang.org/",', { headers: { 'content-type': 'application/json' } }),
      400,
      'invalid_request',
    );

    expect(error.error.message).toMatch(/JSON/);
    expect(inserts).not.toHaveBeenCalled();
  });

  it('given a JSON array instead of an object, when a link is added, then 400 naming the body', async () => {
    const error = expectError(await post([{ url: 'https://golang.org/' }]), 400, 'invalid_request');

    expect(error.error.details).toHaveProperty('body');
  });

  /** A JSON body of exactly `bytes` bytes whose description is all padding. */
  const bodyOfSize = (bytes: number) => {
    const envelope = JSON.stringify({ url: 'https://golang.org/', description: '' });
    return JSON.stringify({
      url: 'https://golang.org/',
      description: 'x'.repeat(bytes - Buffer.byteLength(envelope)),
    });
  };

  it('given a body one byte over 64 KiB, when a link is added, then 413 payload_too_large', async () => {
    const body = bodyOfSize(MAX_BODY_BYTES + 1);
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES + 1);

    expectError(
      await post(body, { headers: { 'content-type': 'application/json' } }),
      413,
      'payload_too_large',
    );
    expect(inserts).not.toHaveBeenCalled();
  });

  it('given a body of exactly 64 KiB, when a link is added, then it is read (and judged on its fields)', async () => {
    const body = bodyOfSize(MAX_BODY_BYTES);
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);

    const error = expectError(
      await post(body, { headers: { 'content-type': 'application/json' } }),
      400,
      'invalid_request',
    );

    expect(error.error.details).toHaveProperty('description');
  });

  it('given a text/plain body, when a link is added, then 415 unsupported_media_type', async () => {
    expectError(
      await post('url=https://golang.org/', { headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    );
    expect(inserts).not.toHaveBeenCalled();
  });
});

describe('POST /v1/links: a bug on our side', () => {
  it('given DynamoDB rejects the request as malformed, when a link is added, then 500 internal whose message gives nothing away', async () => {
    inserts.mockRejectedValue(
      validationError('One or more parameter values were invalid: table links-table, key USER#alice'),
    );

    const answer = await post({ url: 'https://golang.org/' });

    const error = expectError(answer, 500, 'internal');
    expect(error.error.details).toBeUndefined();
    for (const secret of ['ValidationException', 'links-table', 'USER#alice', 'parameter values', ' at ']) {
      expect(answer.text).not.toContain(secret);
    }
  });

  it('given the code throws a plain TypeError, when a link is added, then 500 internal with no stack trace', async () => {
    inserts.mockRejectedValue(new TypeError("Cannot read properties of undefined (reading 'Item')"));

    const answer = await post({ url: 'https://golang.org/' });

    expectError(answer, 500, 'internal');
    expect(answer.text).not.toMatch(/TypeError|Cannot read|\.ts:\d+/);
  });
});

describe('every answer carries x-request-id', () => {
  it('given a success and three kinds of failure, when each is answered, then each has the request id', async () => {
    // call() checks x-request-id against the event's request id on every answer.
    expect((await post({ url: 'https://golang.org/' })).status).toBe(201);
    inserts.mockRejectedValue(validationError('boom'));
    expect((await post({ url: 'https://k8s.io/' })).status).toBe(500);
    expect((await post({ url: 'not a url' })).status).toBe(400);
    expect((await post({ url: 'https://golang.org/' }, { token: 'dlk_nobody' })).status).toBe(401);
  });
});
