import { describe, expect, it } from 'vitest';
import { RawApiClient } from '../support/runtime.ts';
import {
  TIMESTAMP,
  expectError,
  expectJson,
  pause,
  query,
  type LinkEnvelope,
  type LinkListing,
  useRuntime,
} from './helpers.ts';

/**
 * The original Delinkcious's link conformance tests, over HTTP, plus the ways its clients talk to the API:
 * tags as one string, form bodies, fields in the query string, PATCH, DELETE by query or body, `/v1.0`,
 * and the `Access-Token` header.
 */

const api = useRuntime();
const login = api.login;

async function listOf(client: RawApiClient, path = '/v1/links'): Promise<LinkListing> {
  return expectJson<LinkListing>(await client.get(path), 200);
}

describe('the original conformance tests', () => {
  it('given a new user, when she adds golang.org titled Golang tagged programming, then she has exactly that one link', async () => {
    const alice = await login('alice');

    const added = expectJson<LinkEnvelope>(
      await alice.post('/v1/links', { url: 'https://golang.org/', title: 'Golang', tags: ['programming'] }),
      201,
    );

    expect(added.link).toEqual({
      url: 'https://golang.org/',
      title: 'Golang',
      description: '',
      tags: ['programming'],
      private: false,
      status: 'pending',
      http_status: null,
      checked_at: null,
      created_at: expect.stringMatching(TIMESTAMP),
      updated_at: added.link.created_at,
    });
    const listing = await listOf(alice);
    expect(listing.links).toEqual([added.link]);
    expect(listing.next_token).toBeNull();
  });

  it('given a link with two tags, when its description is updated and a tag removed, then only those change', async () => {
    const alice = await login('alice');
    const added = expectJson<LinkEnvelope>(
      await alice.post('/v1/links', {
        url: 'https://golang.org/',
        title: 'Golang',
        description: 'The Go site',
        tags: ['programming', 'go'],
      }),
      201,
    );

    const updated = expectJson<LinkEnvelope>(
      await alice.put('/v1/links', {
        url: 'https://golang.org/',
        description: 'The Go programming language',
        remove_tags: ['go'],
      }),
      200,
    );

    expect(updated.link).toMatchObject({
      url: 'https://golang.org/',
      title: 'Golang',
      description: 'The Go programming language',
      tags: ['programming'],
      created_at: added.link.created_at,
    });
    expect((await listOf(alice)).links).toEqual([updated.link]);
  });

  it('given one link, when it is deleted, then the count goes from 1 to 0', async () => {
    const alice = await login('alice');
    expectJson(await alice.post('/v1/links', { url: 'https://golang.org/', title: 'Golang' }), 201);
    expect((await listOf(alice)).links).toHaveLength(1);

    const deleted = await alice.delete(`/v1/links?${query({ url: 'https://golang.org/' })}`);

    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    expect(deleted.headers.get('x-request-id')).toBeTruthy();
    expect((await listOf(alice)).links).toHaveLength(0);
  });

  it('given a user with a link, when another user lists, updates or deletes it, then it is not theirs to touch', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    expectJson(await alice.post('/v1/links', { url: 'https://golang.org/', title: 'Golang' }), 201);

    expect((await listOf(bob)).links).toEqual([]);
    expectError(await bob.put('/v1/links', { url: 'https://golang.org/', title: 'Mine' }), 404, 'not_found');
    expectError(await bob.delete(`/v1/links?${query({ url: 'https://golang.org/' })}`), 404, 'not_found');
    expect((await listOf(alice)).links).toMatchObject([{ url: 'https://golang.org/', title: 'Golang' }]);
  });
});

describe('what the original clients send', () => {
  it('given tags as one string separated by commas and spaces, when the link is added, then the tags are a sorted list', async () => {
    const alice = await login('alice');

    const added = expectJson<LinkEnvelope>(
      await alice.post('/v1/links', { url: 'https://kubernetes.io/', tags: 'go, k8s programming' }),
      201,
    );

    expect(added.link.tags).toEqual(['go', 'k8s', 'programming']);
  });

  it('given tags in mixed case and repeated, when the link is added, then they are lower-cased and unique', async () => {
    const alice = await login('alice');

    const added = expectJson<LinkEnvelope>(
      await alice.post('/v1/links', { url: 'https://kubernetes.io/', tags: ['K8s', 'go', 'k8s', 'GO'] }),
      201,
    );

    expect(added.link.tags).toEqual(['go', 'k8s']);
  });

  it('given a form-encoded body, when a link is added, updated and deleted, then each works as with JSON', async () => {
    const alice = await login('alice');

    const added = expectJson<LinkEnvelope>(
      await alice.form('POST', '/v1/links', {
        url: 'https://golang.org/',
        title: 'Golang',
        description: 'Go',
        tags: 'go,programming',
        private: 'true',
      }),
      201,
    );
    expect(added.link).toMatchObject({
      url: 'https://golang.org/',
      title: 'Golang',
      description: 'Go',
      tags: ['go', 'programming'],
      private: true,
    });

    const updated = expectJson<LinkEnvelope>(
      await alice.form('PUT', '/v1/links', {
        url: 'https://golang.org/',
        title: 'The Go language',
        add_tags: 'lang',
        remove_tags: 'go',
        private: 'false',
      }),
      200,
    );
    expect(updated.link).toMatchObject({
      title: 'The Go language',
      tags: ['lang', 'programming'],
      private: false,
    });

    const deleted = await alice.form('DELETE', '/v1/links', { url: 'https://golang.org/' });
    expect(deleted.status).toBe(204);
    expect((await listOf(alice)).links).toEqual([]);
  });

  it('given the fields in the query string and no body, when a link is added and then updated, then both take them', async () => {
    const alice = await login('alice');

    const added = expectJson<LinkEnvelope>(
      await alice.raw(
        'POST',
        `/v1/links?${query({ url: 'https://golang.org/', title: 'Golang', tags: 'go programming' })}`,
      ),
      201,
    );
    expect(added.link).toMatchObject({
      url: 'https://golang.org/',
      title: 'Golang',
      tags: ['go', 'programming'],
    });

    const updated = expectJson<LinkEnvelope>(
      await alice.raw(
        'PUT',
        `/v1/links?${query({ url: 'https://golang.org/', description: 'Go!', remove_tags: 'go' })}`,
      ),
      200,
    );
    expect(updated.link).toMatchObject({ title: 'Golang', description: 'Go!', tags: ['programming'] });
    expect((await listOf(alice)).links).toEqual([updated.link]);
  });

  it('given fields in both the query string and a JSON body, when a link is added, then the body wins', async () => {
    const alice = await login('alice');

    const added = expectJson<LinkEnvelope>(
      await alice.post(`/v1/links?${query({ url: 'https://golang.org/', title: 'From the query' })}`, {
        title: 'From the body',
      }),
      201,
    );

    expect(added.link).toMatchObject({ url: 'https://golang.org/', title: 'From the body' });
  });

  it('given the same change, when sent with PATCH instead of PUT, then the result is the same', async () => {
    const alice = await login('alice');
    for (const url of ['https://a.example/', 'https://b.example/']) {
      expectJson(
        await alice.post('/v1/links', { url, title: 'Old', description: 'Old', tags: ['x', 'y'] }),
        201,
      );
    }
    const change = { title: 'New', add_tags: ['z'], remove_tags: ['x'], private: true };

    const viaPut = expectJson<LinkEnvelope>(
      await alice.put('/v1/links', { url: 'https://a.example/', ...change }),
      200,
    );
    const viaPatch = expectJson<LinkEnvelope>(
      await alice.patch('/v1/links', { url: 'https://b.example/', ...change }),
      200,
    );

    const comparable = ({ url: _url, created_at: _c, updated_at: _u, ...rest }: LinkEnvelope['link']) => rest;
    expect(comparable(viaPatch.link)).toEqual(comparable(viaPut.link));
    expect(viaPatch.link).toMatchObject({
      title: 'New',
      description: 'Old',
      tags: ['y', 'z'],
      private: true,
    });
  });

  it('given a link, when it is deleted with its url in a JSON body, then it is gone', async () => {
    const alice = await login('alice');
    expectJson(await alice.post('/v1/links', { url: 'https://golang.org/' }), 201);

    const deleted = await alice.delete('/v1/links', { url: 'https://golang.org/' });

    expect(deleted.status).toBe(204);
    expect((await listOf(alice)).links).toEqual([]);
    expectError(await alice.delete('/v1/links', { url: 'https://golang.org/' }), 404, 'not_found');
  });

  it('given a link added with a fragment and upper-case host, when deleted by its normalized form, then it is gone', async () => {
    const alice = await login('alice');
    expectJson(await alice.post('/v1/links', { url: 'HTTPS://GoLang.org/doc#install' }), 201);

    const deleted = await alice.delete(`/v1/links?${query({ url: 'https://golang.org/doc' })}`);

    expect(deleted.status).toBe(204);
    expect((await listOf(alice)).links).toEqual([]);
  });

  it('given a URL in a raw form, when the link is added, then it is stored and answered as the URL parser serializes it', async () => {
    const alice = await login('alice');

    const added = expectJson<LinkEnvelope>(
      await alice.post('/v1/links', { url: ' HTTPS://Café.Example:443/a/../é?q=é#Top ' }),
      201,
    );

    const serialized = 'https://xn--caf-dma.example/%C3%A9?q=%C3%A9#Top';
    expect(added.link.url).toBe(serialized);
    expect((await listOf(alice)).links.map((link) => link.url)).toEqual([serialized]);
    expectError(await alice.post('/v1/links', { url: 'https://café.example/é?q=é' }), 409, 'already_exists');
    const updated = await alice.put('/v1/links', {
      url: 'https://xn--caf-dma.example/%C3%A9?q=%C3%A9',
      title: 'C',
    });
    expect(expectJson<LinkEnvelope>(updated, 200).link).toMatchObject({ url: serialized, title: 'C' });
  });

  it('given the /v1.0 prefix of the book, when links are added, listed, updated, tagged and deleted, then all work', async () => {
    const alice = await login('alice');

    expectJson(await alice.post('/v1.0/links', { url: 'https://golang.org/', tags: 'go' }), 201);
    const listing = expectJson<LinkListing>(await alice.get('/v1.0/links'), 200);
    expect(listing.links.map((l) => l.url)).toEqual(['https://golang.org/']);
    expectJson(await alice.put('/v1.0/links', { url: 'https://golang.org/', title: 'Go' }), 200);
    expectJson(await alice.patch('/v1.0/links', { url: 'https://golang.org/', description: 'Go!' }), 200);
    expect(expectJson(await alice.get('/v1.0/tags'), 200)).toEqual({ tags: [{ name: 'go', count: 1 }] });
    expect((await listOf(alice, '/v1/links')).links).toMatchObject([{ title: 'Go', description: 'Go!' }]);
    expect((await alice.delete(`/v1.0/links?${query({ url: 'https://golang.org/' })}`)).status).toBe(204);
    expect((await listOf(alice)).links).toEqual([]);
  });

  it('given the token in the original Access-Token header, when links are added and listed, then it authenticates', async () => {
    const alice = await login('alice');
    const headers = { 'access-token': alice.token! };

    const added = await alice.send('POST', '/v1/links', { url: 'https://golang.org/' }, headers);
    expectJson(added, 201);
    const listing = expectJson<LinkListing>(await alice.get('/v1/links', headers), 200);

    expect(listing.links.map((l) => l.url)).toEqual(['https://golang.org/']);
    const anonymous = new RawApiClient(api.url);
    expectJson(await anonymous.get('/v1/links', { 'access-token': alice.token! }), 200);
    expectJson(await anonymous.get('/v1/links', { authorization: `bearer ${alice.token!}` }), 200);
  });
});

describe('updated_at', () => {
  it('given a link, when it is updated twice, then updated_at moves forward each time and created_at stays', async () => {
    const alice = await login('alice');
    const added = expectJson<LinkEnvelope>(
      await alice.post('/v1/links', { url: 'https://golang.org/' }),
      201,
    );
    expect(added.link.updated_at).toBe(added.link.created_at);
    await pause(5);

    const first = expectJson<LinkEnvelope>(
      await alice.put('/v1/links', { url: 'https://golang.org/', title: 'Go' }),
      200,
    );
    const second = expectJson<LinkEnvelope>(
      await alice.patch('/v1/links', { url: 'https://golang.org/', add_tags: 'go' }),
      200,
    );

    expect(first.link.updated_at).toMatch(TIMESTAMP);
    expect(first.link.created_at).toBe(added.link.created_at);
    expect(Date.parse(first.link.updated_at)).toBeGreaterThan(Date.parse(added.link.updated_at));
    expect(Date.parse(second.link.updated_at)).toBeGreaterThan(Date.parse(first.link.updated_at));
    expect(second.link.created_at).toBe(added.link.created_at);
    expect((await listOf(alice)).links[0]!.updated_at).toBe(second.link.updated_at);
  });

  it('given a link, when an update names only the url, then nothing but updated_at changes', async () => {
    const alice = await login('alice');
    const added = expectJson<LinkEnvelope>(
      await alice.post('/v1/links', {
        url: 'https://golang.org/',
        title: 'Go',
        description: 'D',
        tags: 'a b',
      }),
      201,
    );

    const updated = expectJson<LinkEnvelope>(
      await alice.put('/v1/links', { url: 'https://golang.org/' }),
      200,
    );

    const { updated_at: before, ...unchangedBefore } = added.link;
    const { updated_at: after, ...unchangedAfter } = updated.link;
    expect(unchangedAfter).toEqual(unchangedBefore);
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
  });
});
