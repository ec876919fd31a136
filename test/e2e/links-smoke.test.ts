import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { ApiClient, RawApiClient, startTestRuntime } from '../support/runtime.ts';

let runtime: Runtime;
let alice: ApiClient;

beforeAll(async () => {
  runtime = await startTestRuntime();
  alice = await ApiClient.loggedIn(runtime.url, 'alice');
});
afterAll(() => runtime?.stop());

describe('the original conformance test: add and get a link', () => {
  it('given a new user, when she adds golang.org, then listing shows exactly that link, pending', async () => {
    const added = await alice.post('/v1/links', {
      url: 'https://golang.org/',
      title: 'Golang',
      tags: ['programming'],
    });
    expect(added.status).toBe(201);

    const listed = await alice.get<{ links: { url: string; status: string; tags: string[] }[] }>('/v1/links');
    expect(listed.status).toBe(200);
    expect(listed.body.links).toHaveLength(1);
    expect(listed.body.links[0]).toMatchObject({
      url: 'https://golang.org/',
      status: 'pending',
      tags: ['programming'],
    });
  });
});

describe('request bodies, as the local stand-in for API Gateway reads them', () => {
  /** POSTs `parts` one after another with no Content-Length (Transfer-Encoding: chunked): the answer's status. */
  const postInChunks = (path: string, parts: string[]) =>
    new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest(
        new URL(path, runtime.url),
        {
          method: 'POST',
          headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
        },
        (incoming) => {
          incoming.resume();
          incoming.on('end', () => resolve(incoming.statusCode ?? 0));
        },
      );
      outgoing.on('error', reject);
      for (const part of parts) outgoing.write(part);
      outgoing.end();
    });

  it('given a body sent in chunks without a Content-Length, when a link is added, then the function gets all of it', async () => {
    const status = await postInChunks('/v1/links', [
      '{"url": "https://chunked.example/",',
      ' "title": "In parts"}',
    ]);

    expect(status).toBe(201);
    const listed = await alice.get<{ links: { url: string; title: string }[] }>('/v1/links');
    expect(listed.body.links).toContainEqual(
      expect.objectContaining({ url: 'https://chunked.example/', title: 'In parts' }),
    );
  });

  it('given a POST with no body at all, when a link is added, then 400 in the contract format, not a wait', async () => {
    const raw = await RawApiClient.loggedInRaw(runtime.url, 'alice');

    const response = await raw.raw('POST', '/v1/links', { headers: { 'content-type': 'application/json' } });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: expect.any(String) } });
  });
});
