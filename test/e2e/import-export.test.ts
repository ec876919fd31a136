import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import type { LinkBody, LinkEnvelope, LinkListing } from './helpers.ts';
import { expectJson, TIMESTAMP, useRuntime } from './helpers.ts';

/**
 * Import end to end on the local runtime: a new user exports their links, starts an import in an empty account,
 * PUTs the file to the presigned URL (the emulator's bucket; the runtime sends S3's notification), watches the
 * import reach `done`, and finds every link as it was.
 */
const api = useRuntime();

interface StartedImport {
  import_id: string;
  upload_url: string;
  expires_at: string;
}

interface ImportBody {
  import_id: string;
  status: string;
  total: number;
  imported: number;
  skipped_duplicates: number;
  errors: { line?: number; url?: string; reason: string }[];
  created_at: string;
  finished_at: string | null;
}

const LINKS = [
  {
    url: 'https://go.dev/',
    title: 'Go & "friends"',
    description: 'Simple, <b>reliable</b>\nsecond line',
    tags: ['go', 'lang'],
    private: false,
  },
  { url: 'https://example.com/a?x=1&y=2', title: 'Private', description: '', tags: [], private: true },
  { url: 'https://kubernetes.io/', title: 'K8s', description: 'Containers', tags: ['k8s'], private: false },
];

type Client = Awaited<ReturnType<typeof api.login>>;

async function allLinks(client: Client): Promise<LinkBody[]> {
  return expectJson<LinkListing>(await client.get('/v1/links?limit=100'), 200).links;
}

async function importFile(client: Client, file: string): Promise<ImportBody> {
  const started = expectJson<StartedImport>(await client.post('/v1/imports', {}), 202);
  expect(started.expires_at).toMatch(TIMESTAMP);
  const upload = await fetch(started.upload_url, { method: 'PUT', body: file });
  expect(upload.status).toBe(200);
  const finished = await eventually(
    async () => expectJson<ImportBody>(await client.get(`/v1/imports/${started.import_id}`), 200),
    (record) => record.status === 'done' || record.status === 'failed',
  );
  return finished;
}

describe('export, then import into an empty account', () => {
  it('given alice exports her links, when bob imports the file into his empty account, then he has every link as she had it', async () => {
    const alice = await api.login('alice');
    for (const link of LINKS) expectJson<LinkEnvelope>(await alice.post('/v1/links', link), 201);
    const exported = await alice.get<string>('/v1/export?format=netscape');
    expect(exported.status).toBe(200);
    const bob = await api.login('bob');

    const result = await importFile(bob, exported.body);

    expect(result).toMatchObject({
      status: 'done',
      total: 3,
      imported: 3,
      skipped_duplicates: 0,
      errors: [],
    });
    expect(result.finished_at).toMatch(TIMESTAMP);
    const fields = (link: LinkBody) => ({
      url: link.url,
      title: link.title,
      description: link.description,
      tags: link.tags,
      private: link.private,
      // The file keeps seconds.
      created_at: Math.floor(Date.parse(link.created_at) / 1000),
    });
    const byUrl = (a: { url: string }, b: { url: string }) => a.url.localeCompare(b.url);
    expect((await allLinks(bob)).map(fields).sort(byUrl)).toEqual(
      (await allLinks(alice)).map(fields).sort(byUrl),
    );
  });

  it('given a file imported once, when it is imported again, then nothing is imported and every entry is skipped', async () => {
    const carol = await api.login('carol');
    const file = [
      '<!DOCTYPE NETSCAPE-Bookmark-file-1>',
      '<DL><p>',
      '<DT><H3>Read later</H3>',
      '<DL><p>',
      '<DT><A HREF="https://go.dev/" ADD_DATE="1700000000">Go</A>',
      '<DT><A HREF="javascript:alert(1)">Bad</A>',
      '</DL><p>',
      '</DL>',
    ].join('\n');

    const first = await importFile(carol, file);
    const second = await importFile(carol, file);

    expect(first).toMatchObject({ status: 'done', imported: 1, errors: [{ line: 6 }] });
    expect(second).toMatchObject({ status: 'done', imported: 0, skipped_duplicates: 1 });
    const [link] = await allLinks(carol);
    expect(link).toMatchObject({ url: 'https://go.dev/', tags: ['read-later'], private: true });
    expect(link!.created_at).toBe('2023-11-14T22:13:20.000Z');
    const listed = expectJson<{ imports: ImportBody[] }>(await carol.get('/v1/imports'), 200);
    expect(listed.imports.map((record) => record.import_id)).toEqual([second.import_id, first.import_id]);
  });

  it('given a file that is not a bookmark file, then the import fails with a reason', async () => {
    const dave = await api.login('dave');

    const result = await importFile(dave, '{"not": "bookmarks"}');

    expect(result).toMatchObject({ status: 'failed', imported: 0 });
    expect((result as ImportBody & { failure_reason: string }).failure_reason).toContain(
      'not a bookmark file',
    );
  });
});
