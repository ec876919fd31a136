import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportRunner, Imports, type ImportRunSettings } from '../../../shared/imports/core.ts';
import {
  importObjectKey,
  MAX_IMPORT_BYTES,
  type Import,
  type UploadedObject,
} from '../../../shared/imports/model.ts';
import { aLink, aNetscapeFile, type FileBookmark } from '../../support/builders.ts';
import {
  InMemoryImportStore,
  InMemoryLinksForImport,
  InMemoryUploadedFiles,
  RecordedContinuations,
} from '../support/memory-imports.ts';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const PLENTY_OF_TIME = () => 600_000;
const SETTINGS: ImportRunSettings = { maxLinksPerUser: 1000, chunkSize: 3, minimumRemainingMs: 60_000 };

/** An import world: alice's pending import, whose file has landed. */
function given(
  file: string,
  options: { existing?: ReturnType<typeof aLink>[]; settings?: Partial<ImportRunSettings> } = {},
) {
  const store = new InMemoryImportStore();
  const files = new InMemoryUploadedFiles();
  const links = new InMemoryLinksForImport(options.existing);
  const continuations = new RecordedContinuations();
  const settings = { ...SETTINGS, ...options.settings };
  let serial = 0;
  const requests = new Imports(
    store,
    files,
    () => (serial++).toString(16).padStart(16, '0'),
    () => NOW,
  );
  const runner = () => new ImportRunner(store, files, links, continuations, settings, () => NOW);
  const start = async (contents: string = file) => {
    const { record } = await requests.start('alice', undefined);
    const key = importObjectKey('alice', record.import_id);
    const bytes = new TextEncoder().encode(contents);
    files.objects.set(key, bytes);
    const upload: UploadedObject = { bucket: 'imports', key, size: bytes.byteLength };
    return { id: record.import_id, upload, message: JSON.stringify(upload) };
  };
  const recordOf = async (id: string) => (await store.get('alice', id))!;
  return { store, files, links, continuations, requests, runner, start, recordOf };
}

const bookmarks = (count: number): FileBookmark[] =>
  Array.from({ length: count }, (_, i) => ({ url: `https://example.com/${i}`, tags: [`t${i % 3}`] }));

/** What an import's outcome is, without when it ran. */
const outcomeOf = ({
  status,
  total,
  imported,
  skipped_duplicates,
  errors,
  error_count,
  checkpoint,
}: Import) => ({
  status,
  total,
  imported,
  skipped_duplicates,
  errors,
  error_count,
  checkpoint,
});

describe('starting an import', () => {
  it('given a user, when an import starts, then it is pending with an upload URL to its key for 15 minutes', async () => {
    const world = given('');

    const started = await world.requests.start('alice', 'pinboard');

    expect(started.record).toMatchObject({
      status: 'pending',
      format: 'pinboard',
      total: 0,
      username: 'alice',
    });
    expect(started.uploadUrl).toContain(importObjectKey('alice', started.record.import_id));
    expect(started.expiresAt).toBe('2026-12-01T10:15:00.000Z');
    expect(await world.requests.list('alice')).toEqual([started.record]);
  });
});

describe('running an import', () => {
  it('given a file of new bookmarks, when it lands, then each becomes a pending link with its tags, date and the import id, and the import is done', async () => {
    const world = given(
      aNetscapeFile([
        { url: 'https://go.dev/', title: 'Go', tags: ['Go', 'lang'], addDate: 1_700_000_000, private: false },
        { url: 'https://k8s.io/', title: 'Kubernetes' },
      ]),
    );
    const { id, upload, message } = await world.start();

    const outcome = await world.runner().run(upload, message, PLENTY_OF_TIME);

    expect(outcome).toBe('finished');
    expect(outcomeOf(await world.recordOf(id))).toEqual({
      status: 'done',
      total: 2,
      imported: 2,
      skipped_duplicates: 0,
      errors: [],
      error_count: 0,
      checkpoint: 2,
    });
    const go = world.links.links.get('alice https://go.dev/');
    expect(go).toMatchObject({
      title: 'Go',
      tags: ['go', 'lang'],
      private: false,
      status: 'pending',
      created_at: '2023-11-14T22:13:20.000Z',
      published_at: '2023-11-14T22:13:20.000Z',
      imported_by: id,
    });
    expect(world.links.links.get('alice https://k8s.io/')).toMatchObject({ private: true });
    expect(world.files.objects.has(upload.key)).toBe(false);
  });

  it('given dates after the import started, when the file lands, then those links are dated when the import started', async () => {
    const inAYear = NOW.getTime() / 1000 + 365 * 24 * 3600;
    const world = given(
      aNetscapeFile([
        { url: 'https://future.example/', addDate: inAYear },
        // 10^14 - 1 is read as milliseconds: the year 5138.
        { url: 'https://far.example/', addDate: 99_999_999_999_999 },
        { url: 'https://past.example/', addDate: 1_700_000_000 },
      ]),
    );
    const { upload, message } = await world.start();

    await world.runner().run(upload, message, PLENTY_OF_TIME);

    const dates = (url: string) => {
      const link = world.links.links.get(`alice ${url}`);
      return [link?.created_at, link?.updated_at];
    };
    expect(dates('https://future.example/')).toEqual([NOW.toISOString(), NOW.toISOString()]);
    expect(dates('https://far.example/')).toEqual([NOW.toISOString(), NOW.toISOString()]);
    expect(dates('https://past.example/')).toEqual(['2023-11-14T22:13:20.000Z', '2023-11-14T22:13:20.000Z']);
  });

  it('given a URL the user already has, when the file holds it, then it is skipped and counted, and the link is left as it was', async () => {
    const mine = aLink({ username: 'alice', url: 'https://go.dev/', title: 'Mine', tags: ['keep'] });
    const world = given(
      aNetscapeFile([{ url: 'https://go.dev/#top', title: 'Theirs' }, { url: 'https://a.dev/' }]),
      {
        existing: [mine],
      },
    );
    const { id, upload, message } = await world.start();

    await world.runner().run(upload, message, PLENTY_OF_TIME);

    expect(await world.recordOf(id)).toMatchObject({ imported: 1, skipped_duplicates: 1, total: 2 });
    expect(world.links.links.get('alice https://go.dev/')).toEqual(mine);
  });

  it('given the same URL twice in the file, then it counts once and the repeat is a duplicate skipped', async () => {
    const world = given(aNetscapeFile([{ url: 'https://go.dev/' }, { url: 'HTTPS://GO.DEV/' }]));
    const { id, upload, message } = await world.start();

    await world.runner().run(upload, message, PLENTY_OF_TIME);

    expect(await world.recordOf(id)).toMatchObject({ imported: 1, skipped_duplicates: 1, total: 2 });
  });

  it('given an unreadable entry, then it is an error with its line and the rest still imports', async () => {
    const world = given(
      aNetscapeFile([{ url: 'https://go.dev/' }, { url: 'javascript:alert(1)' }, { url: 'https://a.dev/' }]),
    );
    const { id, upload, message } = await world.start();

    await world.runner().run(upload, message, PLENTY_OF_TIME);

    const record = await world.recordOf(id);
    expect(record).toMatchObject({ status: 'done', imported: 2, error_count: 1 });
    expect(record.errors).toEqual([
      { line: 5, url: 'javascript:alert(1)', reason: expect.stringContaining('url') },
    ]);
  });

  it('given room for two more links, when five arrive, then three are errors with their lines and the limit holds', async () => {
    const world = given(aNetscapeFile(bookmarks(5)), {
      existing: [aLink({ username: 'alice', url: 'https://old.dev/' })],
      settings: { maxLinksPerUser: 3 },
    });
    const { id, upload, message } = await world.start();

    await world.runner().run(upload, message, PLENTY_OF_TIME);

    const record = await world.recordOf(id);
    expect(record).toMatchObject({ status: 'done', imported: 2, error_count: 3 });
    expect(record.errors.map((error) => error.line)).toEqual([6, 7, 8]);
    expect(record.errors[0]!.reason).toContain('link limit');
    expect(world.links.links.size).toBe(3);
  });

  it('given a file that is not a bookmark file, then the import fails with the reason and the file is deleted', async () => {
    const world = given('<html><body><a href="https://go.dev/">Go</a></body></html>');
    const { id, upload, message } = await world.start();

    await world.runner().run(upload, message, PLENTY_OF_TIME);

    const record = await world.recordOf(id);
    expect(record).toMatchObject({ status: 'failed', finished_at: NOW.toISOString() });
    expect(record.failure_reason).toContain('not a bookmark file');
    expect(world.files.objects.has(upload.key)).toBe(false);
  });

  it('given an upload over 10 MiB, then the import fails from the size alone and the file is deleted', async () => {
    const world = given(aNetscapeFile(bookmarks(1)));
    const { id, upload, message } = await world.start();

    await world.runner().run({ ...upload, size: MAX_IMPORT_BYTES + 1 }, message, PLENTY_OF_TIME);

    expect((await world.recordOf(id)).failure_reason).toContain('larger than the 10 MiB');
    expect(world.files.objects.has(upload.key)).toBe(false);
    expect(world.links.links.size).toBe(0);
  });

  it('given the same file imported twice, then the second import imports nothing and skips every entry', async () => {
    const world = given(aNetscapeFile(bookmarks(4)));
    const first = await world.start();
    await world.runner().run(first.upload, first.message, PLENTY_OF_TIME);
    const second = await world.start();

    await world.runner().run(second.upload, second.message, PLENTY_OF_TIME);

    expect(await world.recordOf(second.id)).toMatchObject({
      status: 'done',
      imported: 0,
      skipped_duplicates: 4,
    });
  });

  it('given a finished import, when its notification comes again, then nothing changes', async () => {
    const world = given(aNetscapeFile(bookmarks(2)));
    const { id, upload, message } = await world.start();
    await world.runner().run(upload, message, PLENTY_OF_TIME);
    const done = await world.recordOf(id);

    expect(await world.runner().run(upload, message, PLENTY_OF_TIME)).toBe('ignored');
    expect(await world.recordOf(id)).toEqual(done);
  });

  it('given little time left after a chunk, then the notification is sent again and the next delivery finishes from the checkpoint', async () => {
    const world = given(aNetscapeFile(bookmarks(7)));
    const { id, upload, message } = await world.start();

    const first = await world.runner().run(upload, message, () => 1_000);

    expect(first).toBe('continued');
    expect(world.continuations.sent).toEqual([message]);
    expect(await world.recordOf(id)).toMatchObject({ status: 'running', checkpoint: 3, imported: 3 });

    expect(await world.runner().run(upload, message, PLENTY_OF_TIME)).toBe('finished');
    expect(await world.recordOf(id)).toMatchObject({ status: 'done', checkpoint: 7, imported: 7 });
  });

  it('given another delivery that advanced the checkpoint first, then this one stops without counting anything twice', async () => {
    const world = given(aNetscapeFile(bookmarks(4)));
    const { id, upload, message } = await world.start();
    const original = world.store.advance.bind(world.store);
    let raced = false;
    world.store.advance = async (next, previous) => {
      if (!raced && next.checkpoint > 0) {
        raced = true;
        await original({ ...(await world.recordOf(id)), checkpoint: 3, total: 3, imported: 3 }, previous);
      }
      return original(next, previous);
    };

    expect(await world.runner().run(upload, message, PLENTY_OF_TIME)).toBe('overtaken');
    expect(await world.recordOf(id)).toMatchObject({ checkpoint: 3, imported: 3 });
  });

  it('given a worker that crashes after any chunk, when the notification comes again, then the result is that of an uninterrupted run', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 12 }).map((i) => ({ url: `https://example.com/${i}` })),
            fc.constant({ url: 'ftp://nope.example/' }),
          ),
          { maxLength: 20 },
        ),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 3 }),
        async (entries, crashAfter, existingCount) => {
          const existing = Array.from({ length: existingCount }, (_, i) =>
            aLink({ username: 'alice', url: `https://example.com/${i * 2}` }),
          );
          const file = aNetscapeFile(entries);
          const settings = { maxLinksPerUser: 10 };
          const uninterrupted = given(file, { existing, settings });
          const clean = await uninterrupted.start();
          await uninterrupted.runner().run(clean.upload, clean.message, PLENTY_OF_TIME);

          const crashing = given(file, { existing, settings });
          crashing.links.failAfterCalls = crashAfter;
          const run = await crashing.start();
          await crashing
            .runner()
            .run(run.upload, run.message, PLENTY_OF_TIME)
            .catch(() => undefined);
          await crashing.runner().run(run.upload, run.message, PLENTY_OF_TIME);

          expect(outcomeOf(await crashing.recordOf(run.id))).toEqual(
            outcomeOf(await uninterrupted.recordOf(clean.id)),
          );
          expect([...crashing.links.links.keys()].sort()).toEqual(
            [...uninterrupted.links.links.keys()].sort(),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
