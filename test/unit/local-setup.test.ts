import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assertJava, claimablePort, LocalSetupError } from '../../local/engines.ts';
import { checkSettings, startRuntime } from '../../local/runtime.ts';

let busy: Server | undefined;
afterEach(() => {
  busy?.close();
  busy = undefined;
  vi.unstubAllEnvs();
});

describe('starting the local runtime on a machine that lacks something', () => {
  it('given a port another process holds, when the runtime claims it, then the message names the port and the variable to change', async () => {
    busy = createServer();
    await new Promise<void>((done) => busy!.listen(0, '127.0.0.1', done));
    const { port } = busy.address() as { port: number };

    const claim = claimablePort(port, 'the API', 'PORT');

    await expect(claim).rejects.toBeInstanceOf(LocalSetupError);
    await expect(claim).rejects.toThrow(
      new RegExp(`Port ${port} for the API is already in use.*PORT=<port>`),
    );
  });

  it('given a free port, when the runtime claims it, then it gets that port', async () => {
    const port = await claimablePort(0, 'the API', 'PORT');
    await expect(claimablePort(port, 'the API', 'PORT')).resolves.toBe(port);
  });

  it('given no java on the PATH, when DynamoDB Local is about to start, then the message says to install Java', () => {
    vi.stubEnv('PATH', '/nonexistent');

    expect(() => assertJava()).toThrow(LocalSetupError);
    expect(() => assertJava()).toThrow(/Java was not found/);
  });

  it('given a Java runtime without javac, when DynamoDB Local is about to start, then the message says to install a development kit', () => {
    const bin = mkdtempSync(join(tmpdir(), 'jre-only-'));
    writeFileSync(join(bin, 'java'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    vi.stubEnv('PATH', bin);

    try {
      expect(() => assertJava()).toThrow(LocalSetupError);
      expect(() => assertJava()).toThrow(/127\.0\.0\.1.*openjdk-17-jdk-headless/s);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe('starting the local runtime with a bad setting in .env or the environment', () => {
  it.each([
    ['RATE_LIMIT_LEASE_SECONDS', '99'],
    ['RATE_LIMIT_BURST', 'lots'],
    ['LINK_CHECKER_RECHECK_PER_USER', '2.5'],
  ])(
    'given %s=%s in the environment, when the runtime starts, then it stops at once with the variable named',
    async (name, value) => {
      vi.stubEnv(name, value);

      expect(() => checkSettings(process.env)).toThrow(LocalSetupError);
      await expect(startRuntime({ port: 0, dynamoDbPort: 0, queuesPort: 0 })).rejects.toThrow(
        new RegExp(`Invalid [a-z ]*configuration: ${name}: `),
      );
    },
  );

  it('given no settings, or claims of one and the longest lease, when checked, then they pass', () => {
    expect(() => checkSettings({})).not.toThrow();
    expect(() => checkSettings({ RATE_LIMIT_CLAIM_SIZE: '1', RATE_LIMIT_LEASE_SECONDS: '30' })).not.toThrow();
  });
});
