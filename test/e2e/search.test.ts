import { beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/runtime.ts';
import { eventually } from '../support/eventually.ts';
import { putOlderSearchIndex } from '../support/search-index.ts';
import {
  aUsername,
  expectError,
  expectJson,
  type LinkEnvelope,
  type LinkListing,
  query,
  useRuntime,
} from './helpers.ts';

/**
 * Search (`q`) over HTTP on the local runtime: links added through the API reach the owner's index through the
 * links stream, the searchUpdates queue and the updater; each operator of the query language once; deleted and
 * private links never shown, whatever the index has caught up with.
 */

const runtime = useRuntime();

const urlsOf = (listing: LinkListing) => listing.links.map((link) => link.url);

let alice: ApiClient;
let username: string;
let today: string;

const GO = 'https://go.dev/doc/effective_go';
const RUST = 'https://blog.rust-lang.org/2026/rust.html';
const CREME = 'https://recettes.example/creme-brulee';

async function search(client: ApiClient, q: string, path = '/v1/links'): Promise<string[]> {
  return urlsOf(expectJson<LinkListing>(await client.get(`${path}?${query({ q })}`), 200));
}

/** Searches until the answer is the expected one (the index follows the links by a moment), then returns it. */
const searchSettled = (q: string, expected: string[], path = '/v1/links') =>
  eventually(
    () => search(alice, q, path),
    (found) => JSON.stringify(found) === JSON.stringify(expected),
  );

beforeAll(async () => {
  username = aUsername('alice');
  alice = await ApiClient.loggedIn(runtime.url, username);
  const added = expectJson<LinkEnvelope>(
    await alice.post('/v1/links', {
      url: GO,
      title: 'Effective Go',
      description: 'Tips for writing clear, idiomatic Go code.',
      tags: ['go', 'programming'],
    }),
    201,
  );
  today = added.link.created_at.slice(0, 10);
  await alice.post('/v1/links', {
    url: RUST,
    title: 'Rust in 2026',
    description: 'The Rust project looks ahead.',
    tags: ['rust', 'programming'],
  });
  await alice.post('/v1/links', {
    url: CREME,
    title: 'Crème brûlée',
    description: 'Le dessert préféré de Zoë',
    tags: ['cuisine'],
    private: true,
  });
  await searchSettled('programming OR cuisine', [RUST, GO]);
});

describe('GET /v1/links?q=', () => {
  it.each<[string, string[]]>([
    ['idiomatic', [GO]],
    ['creme zoe', [CREME]],
    ['effec', [GO]],
    ['"effective go"', [GO]],
    ['"go effective"', []],
    ['programming -rust', [GO]],
    ['rust OR cuisine', [RUST, CREME]],
    ['tag:go', [GO]],
    ['#rust', [RUST]],
    ['-tag:programming', [CREME]],
    ['site:rust-lang.org', [RUST]],
    ['is:private', [CREME]],
    ['is:public tag:go', [GO]],
    ['is:pending tag:go', [GO]],
    ['is:valid', []],
  ])("given alice's links, when she searches %j, then she finds %j", async (q, expected) => {
    expect(await searchSettled(q, expected)).toEqual(expected);
  });

  it('given dates, when she searches after: and before: today, then all her links or none', async () => {
    expect(new Set(await search(alice, `after:${today}`))).toEqual(new Set([GO, RUST, CREME]));
    expect(await search(alice, `before:${today}`)).toEqual([]);
  });

  it('given q and the listing filters, when combined, then both apply', async () => {
    const listing = expectJson<LinkListing>(
      await alice.get(`/v1/links?${query({ q: 'programming', title_regex: '^Rust' })}`),
      200,
    );
    expect(urlsOf(listing)).toEqual([RUST]);
  });

  it('given a malformed query, then 400 naming q and the offset of the problem', async () => {
    const body = expectError(
      await alice.get(`/v1/links?${query({ q: 'go "unclosed' })}`),
      400,
      'invalid_request',
    );
    expect(body.error.details?.q).toMatch(/offset 3/);
  });

  it('given a link just deleted, when searched at once, then it is never found', async () => {
    const url = 'https://ephemeral.example/';
    await alice.post('/v1/links', { url, title: 'ephemeral words' });
    await searchSettled('ephemeral', [url]);

    expect((await alice.delete('/v1/links', { url })).status).toBe(204);

    expect(await search(alice, 'ephemeral')).toEqual([]);
  });

  it('given an edit, when searched, then the new words are found soon and the old ones not', async () => {
    const url = 'https://edited.example/';
    await alice.post('/v1/links', { url, title: 'before wording' });
    await searchSettled('wording', [url]);

    await alice.put('/v1/links', { url, title: 'after phrasing' });

    expect(await searchSettled('phrasing', [url])).toEqual([url]);
    expect(await searchSettled('before', [])).toEqual([]);
  });
});

describe('GET /v1/users/{username}/links?q=', () => {
  it('given a private link, when anybody searches the public listing for it, then it is never found', async () => {
    const anonymous = new ApiClient(runtime.url);
    const path = `/v1/users/${username}/links`;

    expect(await search(anonymous, 'creme', path)).toEqual([]);
    expect(await search(alice, 'is:private', path)).toEqual([]);
    expect(await search(anonymous, 'programming', path)).toEqual([RUST, GO]);
  });

  it('given a public link made private, when searched publicly at once, then it is not found', async () => {
    const anonymous = new ApiClient(runtime.url);
    const url = 'https://turning.example/';
    await alice.post('/v1/links', { url, title: 'turncoat' });
    await searchSettled('turncoat', [url], `/v1/users/${username}/links`);

    await alice.put('/v1/links', { url, private: true });

    expect(await search(anonymous, 'turncoat', `/v1/users/${username}/links`)).toEqual([]);
  });

  it('given an unknown user, when searched, then 404', async () => {
    const response = await new ApiClient(runtime.url).get(`/v1/users/nobody-here/links?q=go`);
    expectError(response, 404, 'not_found');
  });
});

describe('GET /v1/links?q= while the index is rebuilt', () => {
  it('given an index of an older format, when searched, then 503 with Retry-After until the updater has rebuilt it, then found', async () => {
    const owner = aUsername('rebuilt');
    const client = await ApiClient.loggedIn(runtime.url, owner);
    const url = 'https://quince.example/';
    await client.post('/v1/links', { url, title: 'quince jelly' });
    await eventually(
      () => search(client, 'quince'),
      (found) => found.length === 1,
    );
    await putOlderSearchIndex(owner);

    const refused = await client.get(`/v1/links?${query({ q: 'quince' })}`);

    expectError(refused, 503, 'unavailable');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const rebuilt = await eventually(
      () => client.get(`/v1/links?${query({ q: 'quince' })}`),
      (response) => response.status === 200,
    );
    expect(urlsOf(expectJson<LinkListing>(rebuilt, 200))).toEqual([url]);
  });
});
