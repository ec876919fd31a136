import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import type { LinkResponse } from '../../../shared/links/schemas.ts';
import { aLink } from '../../support/builders.ts';
import { call, expectError, stubFunctionEnvironment } from '../support/http.ts';
import { useInMemoryServices } from '../support/services.ts';

const TOKEN = 'dlk_alices-unit-test-token';
const services = useInMemoryServices();
let listLinks: HttpHandler;
let updateLink: HttpHandler;
let deleteLink: HttpHandler;

beforeAll(async () => {
  stubFunctionEnvironment();
  ({ handler: listLinks } = await import('../../../functions/links/list-links.ts'));
  ({ handler: updateLink } = await import('../../../functions/links/update-link.ts'));
  ({ handler: deleteLink } = await import('../../../functions/links/delete-link.ts'));
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  services.givenSession(TOKEN, { username: 'alice' });
});

interface Listing {
  links: LinkResponse[];
  next_token: string | null;
}

const list = (query: Record<string, string> = {}) =>
  call<Listing>(listLinks, { method: 'GET', path: '/v1/links', token: TOKEN, query });

/** Alice has `count` links, https://example.com/1 the oldest. */
async function givenAlicesLinks(count: number): Promise<void> {
  for (let i = 1; i <= count; i++) {
    const createdAt = new Date(Date.UTC(2026, 10, 23, 18, i)).toISOString();
    await services.links.insert(
      aLink({
        username: 'alice',
        url: `https://example.com/${i}`,
        created_at: createdAt,
        updated_at: createdAt,
      }),
      100,
    );
  }
}

describe('GET /v1/links', () => {
  it('given three links, when alice lists two, then the newest two and a next_token that leads to the third', async () => {
    await givenAlicesLinks(3);

    const first = await list({ limit: '2' });
    expect(first.status).toBe(200);
    expect(first.body.links.map((l) => l.url)).toEqual(['https://example.com/3', 'https://example.com/2']);
    expect(first.body.next_token).toEqual(expect.any(String));

    const second = await list({ limit: '2', start_token: first.body.next_token! });
    expect(second.body).toMatchObject({ links: [{ url: 'https://example.com/1' }], next_token: null });
    expect(services.links.listCalls[1]!.after).toMatchObject({ url: 'https://example.com/2' });
  });

  it('given a start_token with one character changed, when alice lists, then 400 naming start_token', async () => {
    await givenAlicesLinks(3);
    const token = (await list({ limit: '1' })).body.next_token!;
    const edited = token.slice(0, 5) + (token[5] === 'A' ? 'B' : 'A') + token.slice(6);

    const error = expectError(await list({ start_token: edited }), 400, 'invalid_request');

    expect(error.error.details).toHaveProperty('start_token');
  });

  it.each([
    ['0', 'limit'],
    ['101', 'limit'],
    ['ten', 'limit'],
  ])('given limit=%s, when alice lists, then 400 naming the %s', async (limit, field) => {
    const error = expectError(await list({ limit }), 400, 'invalid_request');

    expect(error.error.details).toHaveProperty(field);
    expect(services.links.listCalls).toHaveLength(0);
  });

  it('given an invalid regex, when alice lists, then 400 naming the regex field', async () => {
    const error = expectError(await list({ title_regex: '(unclosed' }), 400, 'invalid_request');

    expect(Object.keys(error.error.details ?? {})).toEqual(['title_regex']);
  });

  it('given a regex that nests repetitions a thousand deep, when alice lists, then 400 naming the field and the cap', async () => {
    const error = expectError(
      await list({ description_regex: '(?:a{0,50}){0,20}$' }),
      400,
      'invalid_request',
    );

    expect(error.error.details).toEqual({ description_regex: expect.stringContaining('at most 100') });
  });
});

describe('PUT /v1/links', () => {
  it('given alice has the link, when she adds and removes tags, then 200 with the merged tags and only that changed', async () => {
    const current = aLink({ url: 'https://golang.org/', title: 'Golang', tags: ['go', 'old'] });
    await services.links.insert(current, 100);

    const answer = await call<{ link: LinkResponse }>(updateLink, {
      method: 'PUT',
      path: '/v1/links',
      token: TOKEN,
      body: { url: 'https://golang.org/', add_tags: 'Rust', remove_tags: ['old'] },
    });

    expect(answer.status).toBe(200);
    expect(answer.body.link).toMatchObject({ title: 'Golang', tags: ['go', 'rust'] });
    expect(Date.parse(answer.body.link.updated_at)).toBeGreaterThan(Date.parse(current.updated_at));
    expect(services.links.stored('alice', 'https://golang.org/')).toMatchObject({
      title: 'Golang',
      tags: ['go', 'rust'],
      version: current.version + 1,
    });
  });

  it('given alice has no such link, when she updates it, then 404 not_found and nothing is stored', async () => {
    const answer = await call(updateLink, {
      method: 'PUT',
      path: '/v1/links',
      token: TOKEN,
      body: { url: 'https://nowhere.example/', title: 'x' },
    });

    expectError(answer, 404, 'not_found');
    expect(services.links.stored('alice', 'https://nowhere.example/')).toBeUndefined();
  });
});

describe('DELETE /v1/links', () => {
  it('given alice has the link, when she deletes it by ?url=, then 204 and it is gone', async () => {
    await services.links.insert(aLink({ url: 'https://golang.org/' }), 100);

    const answer = await call(deleteLink, {
      method: 'DELETE',
      path: '/v1/links',
      token: TOKEN,
      query: { url: 'https://golang.org/' },
    });

    expect(answer.status).toBe(204);
    expect(services.links.stored('alice', 'https://golang.org/')).toBeUndefined();
  });

  it('given alice has no such link, when she deletes it (url in the body), then 404 not_found', async () => {
    const answer = await call(deleteLink, {
      method: 'DELETE',
      path: '/v1/links',
      token: TOKEN,
      body: { url: 'https://golang.org/' },
    });

    expectError(answer, 404, 'not_found');
  });

  it('given no url anywhere, when alice deletes, then 400 naming the url', async () => {
    const answer = await call(deleteLink, { method: 'DELETE', path: '/v1/links', token: TOKEN });

    expect(expectError(answer, 400, 'invalid_request').error.details).toEqual({ url: 'required' });
  });
});
