import { describe, expect, it } from 'vitest';
import { searchUpdatesFor } from '../../../shared/search/events.ts';
import { aLink } from '../../support/builders.ts';

const at = '2026-11-23T18:00:00.000Z';
const link = aLink();

describe("searchUpdatesFor: what a link change means to its owner's search index", () => {
  it('given an added link, then it is upserted', () => {
    expect(searchUpdatesFor({ after: link, at })).toEqual([{ username: 'alice', change: 'upsert', link }]);
  });

  it('given a deleted link, then it is removed', () => {
    expect(searchUpdatesFor({ before: link, at })).toEqual([{ username: 'alice', change: 'remove', link }]);
  });

  it.each<[string, Partial<typeof link>]>([
    ['its title', { title: 'Go!' }],
    ['its privacy', { private: true }],
    ['its tags', { tags: ['go'] }],
    ['a check (the page text may be new)', { checked_at: at, status: 'valid' }],
  ])('given an edit of %s, then it is upserted', (_, change) => {
    const after = { ...link, ...change, version: 2 };

    expect(searchUpdatesFor({ before: link, after, at })).toEqual([
      { username: 'alice', change: 'upsert', link: after },
    ]);
  });

  it('given a change of nothing the index holds, then there is no update', () => {
    expect(searchUpdatesFor({ before: link, after: { ...link, published_at: at }, at })).toEqual([]);
  });

  it('given a new URL, then the old one is removed and the new one upserted', () => {
    const after = { ...link, url: 'https://go.dev/' };

    expect(searchUpdatesFor({ before: link, after, at }).map((update) => update.change)).toEqual([
      'remove',
      'upsert',
    ]);
  });
});
