import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectError, expectJson, useRuntime, type LinkEnvelope } from './helpers.ts';

/**
 * Retries of POSTs with an `Idempotency-Key`, over HTTP against the local runtime, whose idempotency table is in
 * DynamoDB Local like every other table. Every answer is checked against the OpenAPI document by the client.
 */

const runtime = useRuntime();

describe('POST with an Idempotency-Key over HTTP', () => {
  it('given a link added with a key, when the request is retried, then 201 with the same link and Idempotent-Replayed, and one link', async () => {
    const alice = await runtime.login('idem-alice');
    const key = { 'Idempotency-Key': randomUUID() };
    const body = { url: 'https://golang.org/', title: 'Golang', tags: ['go'] };

    const first = await alice.send<LinkEnvelope>('POST', '/v1/links', body, key);
    const retry = await alice.send<LinkEnvelope>('POST', '/v1/links', body, key);

    expect(expectJson<LinkEnvelope>(first, 201).link.url).toBe('https://golang.org/');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(expectJson<LinkEnvelope>(retry, 201)).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const listed = await alice.get<{ links: unknown[] }>('/v1/links');
    expect(listed.body.links).toHaveLength(1);
  });

  it('given a key used once, when it comes with another body, then 422 idempotency_key_reused and nothing added', async () => {
    const alice = await runtime.login('idem-reuse');
    const key = { 'Idempotency-Key': randomUUID() };
    await alice.send('POST', '/v1/links', { url: 'https://golang.org/' }, key);

    const other = await alice.send('POST', '/v1/links', { url: 'https://go.dev/' }, key);

    expectError(other, 422, 'idempotency_key_reused');
    const listed = await alice.get<{ links: { url: string }[] }>('/v1/links');
    expect(listed.body.links.map((link) => link.url)).toEqual(['https://golang.org/']);
  });

  it('given another user with the same key, when she posts, then her request is her own', async () => {
    const alice = await runtime.login('idem-a');
    const bob = await runtime.login('idem-b');
    const key = { 'Idempotency-Key': 'the-same-key' };

    const alices = await alice.send('POST', '/v1/links', { url: 'https://golang.org/' }, key);
    const bobs = await bob.send('POST', '/v1/links', { url: 'https://go.dev/' }, key);

    expect(alices.status).toBe(201);
    expect(bobs.status).toBe(201);
    expect(bobs.headers.get('idempotent-replayed')).toBeNull();
  });

  it('given a follow retried with its key, then the same 201 again rather than already_following', async () => {
    const alice = await runtime.login('idem-follower');
    const bob = await runtime.login('idem-followed');
    const bobsName = expectJson<{ username: string }>(await bob.get('/v1/me'), 200).username;
    const key = { 'Idempotency-Key': randomUUID() };

    const first = await alice.send('POST', '/v1/following', { username: bobsName }, key);
    const retry = await alice.send('POST', '/v1/following', { username: bobsName }, key);

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('given a malformed key, then 400 naming the header', async () => {
    const alice = await runtime.login('idem-bad');

    const answer = await alice.send(
      'POST',
      '/v1/links',
      { url: 'https://golang.org/' },
      {
        'Idempotency-Key': 'k'.repeat(256),
      },
    );

    expect(expectError(answer, 400, 'invalid_request').error.details).toHaveProperty('Idempotency-Key');
  });
});
