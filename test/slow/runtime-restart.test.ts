import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { RawApiClient } from '../support/runtime.ts';
import { expectJson, query, type LinkListing } from '../e2e/helpers.ts';

/**
 * Data survives a restart: the runtime with engines of its own on a data directory, stopped and started again
 * on the same directory, still has the links, the session and the key that signs page tokens.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'delinkcious-e2e-restart-'));
let runtime: Runtime | undefined;

/**
 * Starts the runtime as a new process would: handler modules load afresh (no warm clients pointing at the
 * engines of the previous run, no signing key cached in memory) and nothing is left over in the environment.
 */
async function start(): Promise<Runtime> {
  vi.resetModules();
  delete process.env.PAGE_TOKEN_SECRET;
  const { startRuntime } = await import('../../local/runtime.ts');
  return startRuntime({ port: 0, dynamoDbPort: 0, queuesPort: 0, dataDir });
}

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a restart on the same data directory', () => {
  it('given links, a token and a next_token from before a restart, when used after it, then all still work', async () => {
    runtime = await start();
    const before = await RawApiClient.loggedInRaw(runtime.url, 'alice');
    const urls = ['https://golang.org/', 'https://kubernetes.io/', 'https://aws.amazon.com/lambda/'];
    for (const url of urls) {
      expectJson(await before.post('/v1/links', { url, title: url, tags: 'kept' }), 201);
      await new Promise((done) => setTimeout(done, 2));
    }
    const all = expectJson<LinkListing>(await before.get('/v1/links'), 200);
    const firstPage = expectJson<LinkListing>(await before.get('/v1/links?limit=2'), 200);
    const token = firstPage.next_token!;
    expect(token).toEqual(expect.any(String));
    const secondPage = expectJson<LinkListing>(
      await before.get(`/v1/links?${query({ limit: 2, start_token: token })}`),
      200,
    );
    expect(existsSync(join(dataDir, 'page-token-secret'))).toBe(true);

    await runtime.stop();
    runtime = undefined;
    runtime = await start();
    const after = new RawApiClient(runtime.url, before.token);

    const listed = expectJson<LinkListing>(await after.get('/v1/links'), 200);
    expect(listed.links).toEqual(all.links);
    expect(listed.links.map((l) => l.url)).toEqual([...urls].reverse());
    const resumed = expectJson<LinkListing>(
      await after.get(`/v1/links?${query({ limit: 2, start_token: token })}`),
      200,
    );
    expect(resumed).toEqual(secondPage);
    expect(resumed.links.map((l) => l.url)).toEqual([urls[0]]);
    expect(expectJson(await after.get('/v1/tags'), 200)).toEqual({ tags: [{ name: 'kept', count: 3 }] });
  }, 120_000); // two starts of DynamoDB Local and the emulator, on a machine that may be busy
});
