import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBookmarkFile } from '../../../shared/imports/parse.ts';
import { LinkExport } from '../../../shared/links/export.ts';
import { addLinkRequest } from '../../../shared/links/schemas.ts';
import type { Link } from '../../../shared/links/model.ts';
import { aLink } from '../../support/builders.ts';
import { InMemoryExportFiles } from '../support/memory-export-files.ts';
import { InMemoryLinkStore } from '../support/memory-link-store.ts';

/**
 * The contract's promise for export and import: an export imported again into an empty account gives back the same
 * links. Links are generated as the API would store them (each request through the add schema): any Unicode in
 * titles and descriptions (markup, entities, quotes, line breaks, surrounding whitespace), URLs with paths,
 * queries and fragments, tags, privacy and dates; the Netscape file is parsed back by the importer's reader.
 *
 * ROUND_TRIP_RUNS sets the runs (default 200).
 */

const RUNS = Number(process.env.ROUND_TRIP_RUNS ?? 200);
const SETTINGS = { inlineLimitBytes: 5_000_000, downloadUrlSeconds: 900, pageSize: 100 };

const someText = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({
      unit: fc.constantFrom('<', '>', '&', '"', "'", ';', '#', ' ', '\t', '\n', '\r', 'a', 'é'),
      maxLength,
    }),
  );
const aUrl = fc
  .tuple(
    fc.constantFrom('http', 'https', 'HTTPS'),
    fc.domain(),
    fc.webPath(),
    fc.option(fc.webQueryParameters()),
    fc.option(fc.webFragments()),
  )
  .map(([scheme, host, path, query, fragment]) =>
    [
      `${scheme}://${host}${path}`,
      query === null ? '' : `?${query}`,
      fragment === null ? '' : `#${fragment}`,
    ].join(''),
  );
const aTime = fc
  .integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((ms) => new Date(ms).toISOString());

/** A link as the API stores it: its fields through the add request's schema, or none if that refuses them. */
const aStoredLink: fc.Arbitrary<Link> = fc
  .record({
    url: aUrl,
    title: someText(40),
    description: someText(120),
    tags: fc.array(fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }), { maxLength: 4 }),
    private: fc.boolean(),
  })
  .map((fields) => addLinkRequest.safeParse(fields))
  .filter((parsed) => parsed.success)
  .chain((parsed) =>
    fc
      .tuple(aTime, aTime)
      .map(([created, updated]) => aLink({ ...parsed.data!, created_at: created, updated_at: updated })),
  );

/** A link's fields as the file carries them: dates to the second. */
const asRead = (link: Link) => ({
  url: link.url,
  title: link.title,
  description: link.description,
  tags: link.tags,
  private: link.private,
  created_at: toTheSecond(link.created_at),
  updated_at: toTheSecond(link.updated_at),
});
const toTheSecond = (at: string) => new Date(Math.floor(Date.parse(at) / 1000) * 1000).toISOString();
const byUrl = (a: { url: string }, b: { url: string }) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0);

describe('export, then import', () => {
  it('given any links, when exported as a Netscape file and read back by the importer, then each link comes back as it was', async () => {
    const linksOfOneAccount = fc.uniqueArray(aStoredLink, {
      selector: (link) => new URL(link.url).href.replace(/#.*$/, ''),
      maxLength: 6,
    });
    await fc.assert(
      fc.asyncProperty(linksOfOneAccount, async (links) => {
        const exporter = new LinkExport(new InMemoryLinkStore(links), new InMemoryExportFiles(), SETTINGS);

        const file = await exporter.export('alice', 'netscape');
        if (file.kind !== 'inline') throw new Error('an inline file was expected');
        const parsed = parseBookmarkFile(file.body);

        expect(parsed.kind).toBe('bookmarks');
        if (parsed.kind !== 'bookmarks') return;
        const items = [...parsed.items];
        expect(items.filter((item) => item.kind !== 'entry')).toEqual([]);
        const read = items.flatMap((item) => {
          if (item.kind !== 'entry') return [];
          const { line: _line, ...entry } = item.entry;
          return [entry];
        });
        expect(read.sort(byUrl)).toEqual(links.map(asRead).sort(byUrl));
      }),
      { numRuns: RUNS },
    );
  });
});
