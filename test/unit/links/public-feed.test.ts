import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { publicLinksFeed } from '../../../shared/links/feeds.ts';
import { newsFeed } from '../../../shared/news/feeds.ts';
import { asXmlText, atomProblems, notXmlCharacters, parseAtom } from '../../support/atom.ts';
import { aLink, aUser } from '../../support/builders.ts';

const BASE = 'https://api.delinkcious.test';
const alice = aUser({ username: 'alice', name: 'Alice' });

describe('the Atom feed of public links', () => {
  it('given two links, when the feed is built, then it has every element the Atom RFC requires, newest entry first', () => {
    const links = [
      aLink({ url: 'https://b.example/', created_at: '2026-11-24T10:00:00.000Z', tags: ['go', 'web'] }),
      aLink({ url: 'https://a.example/', created_at: '2026-11-23T10:00:00.000Z' }),
    ];

    const feed = parseAtom(publicLinksFeed(alice, links, BASE));

    expect(atomProblems(feed)).toEqual([]);
    expect(feed.id).toBe('tag:api.delinkcious.test,2026:users/alice');
    expect(feed.updated).toBe('2026-11-24T10:00:00.000Z');
    expect(feed.links).toEqual(
      expect.arrayContaining([
        { rel: 'self', href: `${BASE}/users/alice/feed.atom` },
        { rel: 'alternate', href: `${BASE}/u/alice` },
      ]),
    );
    expect(feed.entries.map((entry) => entry.links[0]?.href)).toEqual([
      'https://b.example/',
      'https://a.example/',
    ]);
    expect(feed.entries[0]).toMatchObject({
      updated: '2026-11-24T10:00:00.000Z',
      published: '2026-11-24T10:00:00.000Z',
      categories: ['go', 'web'],
    });
  });

  it('given titles and descriptions with markup, ampersands and quotes, then a feed reader shows them as the same text, never as markup', () => {
    const title = `<script>alert("x")</script> Tom & Jerry's ]]> "best"`;
    const description = `<img src=x onerror=alert(1)> & 'quoted' ]]>`;
    const link = aLink({ url: 'https://e.example/?a=1&b=2', title, description, tags: ['r&d'] });

    const xml = publicLinksFeed(alice, [link], BASE);
    const [entry] = parseAtom(xml).entries;

    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('<img');
    expect(entry?.shownTitle).toBe(title);
    expect(entry?.shownSummary).toBe(description);
    expect(entry?.links[0]?.href).toBe('https://e.example/?a=1&b=2');
    expect(entry?.categories).toEqual(['r&d']);
  });

  it("given a title of control characters, as a page's <title> may hold, then the feed stays XML and shows U+FFFD for each", () => {
    const link = aLink({
      title: 'bad \u0001 \u000b \ufffe \ud800 ok',
      description: 'beep\u0007',
      tags: ['t\u0003'],
    });

    const xml = publicLinksFeed(alice, [link], BASE);
    const [entry] = parseAtom(xml).entries;

    expect(notXmlCharacters(xml)).toEqual([]);
    expect(entry?.shownTitle).toBe('bad \ufffd \ufffd \ufffd \ufffd ok');
    expect(entry?.shownSummary).toBe('beep\ufffd');
    expect(entry?.categories).toEqual(['t\ufffd']);
  });

  it('given any text in titles, descriptions, tags and names, then the feed holds only XML characters and shows the text, U+FFFD for what XML cannot carry', () => {
    const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
    const anyText = fc.oneof(
      fc.string({ unit: anyUnit, maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    fc.assert(
      fc.property(anyText, anyText, anyText, anyText, (title, description, tag, name) => {
        const link = aLink({ title: `t${title}`, description, tags: [`x${tag}`] });

        const xml = publicLinksFeed(aUser({ username: 'alice', name }), [link], BASE);
        const feed = parseAtom(xml);

        expect(notXmlCharacters(xml)).toEqual([]);
        expect(atomProblems(feed)).toEqual([]);
        expect(feed.entries[0]?.shownTitle).toBe(asXmlText(`t${title}`));
        expect(feed.entries[0]?.categories).toEqual([asXmlText(`x${tag}`)]);
      }),
      { numRuns: 500 },
    );
  });

  it('given a link edited since, when the feed is built again, then feed and entry ids are the same and only updated moves', () => {
    const before = aLink({ title: 'Old', created_at: '2026-11-23T10:00:00.000Z' });
    const after = { ...before, title: 'New', updated_at: '2026-11-25T10:00:00.000Z', version: 2 };

    const first = parseAtom(publicLinksFeed(alice, [before], BASE));
    const second = parseAtom(publicLinksFeed(alice, [after], BASE));

    expect(second.id).toBe(first.id);
    expect(second.entries[0]?.id).toBe(first.entries[0]?.id);
    expect(first.entries[0]?.id).toMatch(/^tag:api\.delinkcious\.test,2026:users\/alice\/links\/[\w-]+$/);
    expect(second.entries[0]?.updated).toBe('2026-11-25T10:00:00.000Z');
    expect(second.updated).toBe('2026-11-25T10:00:00.000Z');
  });

  it('given the same links twice, when the feed is built twice, then the bytes are the same (so is the ETag)', () => {
    const links = [aLink()];

    expect(publicLinksFeed(alice, links, BASE)).toBe(publicLinksFeed(alice, links, BASE));
  });

  it('given no public links, then a valid empty feed dated at the user creation', () => {
    const feed = parseAtom(publicLinksFeed(alice, [], BASE));

    expect(atomProblems(feed)).toEqual([]);
    expect(feed.entries).toEqual([]);
    expect(feed.updated).toBe('2026-11-23T18:00:00.000Z');
  });

  it('given a tag, then the feed has its own id and self link, and a link without title shows its URL', () => {
    const feed = parseAtom(publicLinksFeed(alice, [aLink({ title: '' })], BASE, 'go'));

    expect(atomProblems(feed)).toEqual([]);
    expect(feed.id).toBe('tag:api.delinkcious.test,2026:users/alice/tags/go');
    expect(feed.links).toContainEqual({ rel: 'self', href: `${BASE}/users/alice/tags/go/feed.atom` });
    expect(feed.entries[0]?.shownTitle).toBe('https://golang.org/');
  });

  it('given a base URL with a port, then the tag URIs leave the port out', () => {
    expect(parseAtom(publicLinksFeed(alice, [], 'http://localhost:3000')).id).toBe(
      'tag:localhost,2026:users/alice',
    );
  });
});

describe('the Atom feed of news', () => {
  it("given a reader's events, then a valid feed whose entry ids derive from the events", () => {
    const event = {
      id: 'ev-1',
      type: 'link_added' as const,
      author: 'bob',
      url: 'https://bob.example/',
      title: 'Bob <b>',
      timestamp: '2026-11-24T10:00:00.000Z',
    };

    const feed = parseAtom(newsFeed('alice', [event], BASE, `${BASE}/feeds/news/t.atom`));

    expect(atomProblems(feed)).toEqual([]);
    expect(feed.entries[0]).toMatchObject({
      id: 'tag:api.delinkcious.test,2026:news/alice/events/ev-1',
      shownTitle: 'bob added Bob <b>',
      updated: '2026-11-24T10:00:00.000Z',
    });
    expect(feed.links).toContainEqual({ rel: 'self', href: `${BASE}/feeds/news/t.atom` });
  });

  it('given no events, then a valid empty feed', () => {
    expect(atomProblems(parseAtom(newsFeed('alice', [], BASE, `${BASE}/feeds/news/t.atom`)))).toEqual([]);
  });
});
