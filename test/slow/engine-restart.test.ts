import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type Engine } from '../../local/engines.ts';
import { ensureTables, localTableNames } from '../../local/resources.ts';
import { DynamoLinkStore } from '../../shared/links/store.ts';
import { aLink } from '../support/builders.ts';
import { clientsFor, randomPrefix } from '../support/tables.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'delinkcious-restart-'));
const engines: Engine[] = [];
const destroyers: (() => void)[] = [];

/** A DynamoDB Local of this file's own, on disk; every one started is stopped in afterAll, even on failure. */
async function startOnDisk(): Promise<Engine> {
  const engine = await startDynamoDbLocal({ port: 0, dataDir });
  engines.push(engine);
  return engine;
}

afterAll(async () => {
  for (const destroy of destroyers) destroy();
  await Promise.allSettled(engines.map((engine) => engine.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

/** Two Java starts in one test: generous, since a busy 2-core machine can take many seconds for each. */
const TWO_ENGINE_STARTS = 120_000;

describe('DynamoDB Local with a data directory', () => {
  it(
    'given a link written before a restart, when the engine starts again on the same directory, then the link and its counter are still there',
    async () => {
      const names = localTableNames(randomPrefix('restart'));
      const link = aLink({ username: 'persistent', url: 'https://golang.org/', tags: ['go'] });

      const first = await startOnDisk();
      await ensureTables(first.endpoint, names);
      const before = clientsFor(first.endpoint);
      destroyers.push(before.destroy);
      expect(await new DynamoLinkStore(names.links, before.db).insert(link, 1)).toEqual({ inserted: true });
      await first.stop();

      const second = await startOnDisk();
      await ensureTables(second.endpoint, names);
      const after = clientsFor(second.endpoint);
      destroyers.push(after.destroy);
      const store = new DynamoLinkStore(names.links, after.db);

      expect(await store.get('persistent', 'https://golang.org/')).toEqual(link);
      // The counter survived too: at a limit of 1, another link does not fit.
      expect(await store.insert(aLink({ username: 'persistent', url: 'https://go.dev/' }), 1)).toEqual({
        inserted: false,
        reason: 'limit',
      });
    },
    TWO_ENGINE_STARTS,
  );
});
