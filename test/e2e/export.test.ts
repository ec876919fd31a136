import { describe, expect, it } from 'vitest';
import type { BookmarkEntry } from '../../shared/imports/model.ts';
import { parseBookmarkFile } from '../../shared/imports/parse.ts';
import type { LinkBody, LinkEnvelope } from './helpers.ts';
import { expectCommonHeaders, useRuntime } from './helpers.ts';

/**
 * Export end to end on the local runtime: links added through the API, exported in both formats, the Netscape
 * file read back with the import's parser; and, past this file's low inline limit, the file written to the
 * emulator's S3 and answered with a 302 to its presigned download.
 */
const INLINE_LIMIT_BYTES = 4_000;
const api = useRuntime({ EXPORT_INLINE_LIMIT_BYTES: String(INLINE_LIMIT_BYTES) });

const LINKS = [
  {
    url: 'https://go.dev/',
    title: 'Go <script>alert("x")</script> & "friends"',
    description: "Simple, <b>reliable</b> & 'efficient'\nsecond line",
    tags: ['go', 'lang'],
    private: false,
  },
  {
    url: 'https://example.com/a?x=1&y=2',
    title: 'Private & quiet',
    description: '',
    tags: [],
    private: true,
  },
  { url: 'https://kubernetes.io/', title: '', description: 'Containers', tags: ['k8s'], private: false },
];

async function withLinks(base: string, links: typeof LINKS) {
  const client = await api.login(base);
  const added: LinkBody[] = [];
  for (const link of links) added.push((await client.post<LinkEnvelope>('/v1/links', link)).body.link);
  return { client, added };
}

const seconds = (timestamp: string) => Math.floor(Date.parse(timestamp) / 1000);

function entriesOf(file: string): BookmarkEntry[] {
  const outcome = parseBookmarkFile(file);
  if (outcome.kind !== 'bookmarks') throw new Error(outcome.reason);
  return [...outcome.items].flatMap((item) => (item.kind === 'entry' ? [item.entry] : []));
}

describe('GET /v1/export', () => {
  it('given links with tags, privacy and HTML in their text, when exported as a Netscape file and parsed, then the same links come back', async () => {
    const { client, added } = await withLinks('exporter', LINKS);

    const answer = await client.get<string>('/v1/export');

    expect(answer.status).toBe(200);
    expectCommonHeaders(answer);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toMatch(
      /^attachment; filename="delinkcious-exporter-\d+-\d{4}-\d{2}-\d{2}\.html"$/,
    );
    const read = entriesOf(answer.body);
    const expected = [...added].reverse().map((link) => ({
      url: link.url,
      title: link.title,
      description: link.description,
      tags: link.tags,
      private: link.private,
      created: seconds(link.created_at),
    }));
    expect(
      read.map((entry) => ({
        url: entry.url,
        title: entry.title,
        description: entry.description,
        tags: entry.tags,
        private: entry.private,
        created: seconds(entry.created_at!),
      })),
    ).toEqual(expected);
  });

  it('given links, when exported as JSON, then the file holds them as the API shows them, newest first', async () => {
    const { client, added } = await withLinks('json-exporter', LINKS);

    const answer = await client.get<{ links: LinkBody[] }>('/v1.0/export?format=json');

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toMatch(/\.json"$/);
    expect(answer.body.links).toEqual([...added].reverse());
  });

  it('given a file over the inline limit, when exported, then the answer is a 302 to a 15-minute download of the whole file', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      url: `https://example.com/many/${i}`,
      title: `Link number ${i} with a title long enough to fill the file`,
      description: '',
      tags: ['many'],
      private: false,
    }));
    const { client } = await withLinks('big-exporter', many);

    const answer = await client.get<string>('/v1/export');

    expect(answer.status).toBe(302);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const location = answer.headers.get('location')!;
    expect(location).toMatch(/X-Amz-Expires=900/);
    expect(location).toMatch(/\/exports\/big-exporter-\d+\//);
    const download = await fetch(location);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename="delinkcious-big-exporter-/,
    );
    const file = await download.text();
    expect(Buffer.byteLength(file)).toBeGreaterThan(INLINE_LIMIT_BYTES);
    expect(entriesOf(file).map((entry) => entry.url)).toEqual(many.map((link) => link.url).reverse());
  });

  it('given an unknown format, when exported, then 400', async () => {
    const client = await api.login('format-tester');

    const answer = await client.get('/v1/export?format=csv');

    expect(answer.status).toBe(400);
  });
});
