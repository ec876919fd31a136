import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { ApiClient, startTestRuntime } from '../support/runtime.ts';

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
