import { describe, expect, it } from 'vitest';
import type { Link } from '../../../shared/links/model.ts';
import { LinkSearchIndex } from '../../../shared/search/index.ts';
import type { SearchUpdate } from '../../../shared/search/model.ts';
import { parseQuery } from '../../../shared/search/query.ts';
import { SearchIndexUpdater } from '../../../shared/search/updater.ts';
import { aLink } from '../../support/builders.ts';
import { InMemoryIndexStore, InMemoryLinks, InMemoryPageTexts } from './fakes.ts';

const upsert = (link: Link): SearchUpdate => ({ username: link.username, change: 'upsert', link });
const remove = (link: Link): SearchUpdate => ({ username: link.username, change: 'remove', link });

function anUpdater() {
  const store = new InMemoryIndexStore();
  const texts = new InMemoryPageTexts();
  const links = new InMemoryLinks();
  const updater = new SearchIndexUpdater(store, texts, links);
  const search = async (username: string, q: string) =>
    (
      (await store.objects.get(username)) && LinkSearchIndex.fromBytes(store.objects.get(username)!.bytes)
    )?.search(parseQuery(q), { publicOnly: false }) ?? [];
  return { store, texts, links, updater, search };
}

/** When the checker recorded a check: a link has page text only once checked. */
const CHECKED_AT = '2026-11-24T01:00:00.000Z';
const GO = aLink({ url: 'https://go.dev/', title: 'The Go language' });
const RUST = aLink({
  url: 'https://rust-lang.org/',
  title: 'Rust language',
  created_at: '2026-11-24T00:00:00.000Z',
});

describe('SearchIndexUpdater', () => {
  it('given a user with an index, when a batch adds two links, then both are found and the index is written once', async () => {
    const { store, updater, links, search } = anUpdater();
    links.put(GO);
    await updater.apply('alice', [upsert(GO)]);
    const savesBefore = store.saves;

    await updater.apply('alice', [upsert(RUST), upsert({ ...GO, title: 'Go, edited' })]);

    expect(await search('alice', 'language')).toEqual([RUST.url]);
    expect(await search('alice', 'edited')).toEqual([GO.url]);
    expect(store.saves).toBe(savesBefore + 1);
  });

  it('given changes of one link in order, when applied, then only the last one counts', async () => {
    const { updater, links, search } = anUpdater();
    links.put(RUST);
    await updater.apply('alice', [upsert(RUST)]);

    await updater.apply('alice', [upsert(GO), remove(GO), upsert({ ...GO, title: 'Gopher', version: 2 })]);

    expect(await search('alice', 'gopher')).toEqual([GO.url]);
    await updater.apply('alice', [upsert(GO), remove(GO)]);
    expect(await search('alice', 'gopher')).toEqual([]);
    expect(await search('alice', 'rust')).toEqual([RUST.url]);
  });

  it('given a deleted link, when it is added again, then it is found with its new words', async () => {
    const { updater, links, search } = anUpdater();
    links.put(RUST);
    await updater.apply('alice', [upsert(RUST), upsert(GO)]);
    await updater.apply('alice', [remove(GO)]);

    await updater.apply('alice', [upsert({ ...GO, title: 'Go again' })]);

    expect(await search('alice', 'again')).toEqual([GO.url]);
  });

  it('given page text stored by the checker, when the checked link arrives, then its text is searchable', async () => {
    const { updater, links, texts, search } = anUpdater();
    links.put(GO);
    await updater.apply('alice', [upsert(GO)]);
    expect(await search('alice', 'goroutines')).toEqual([]);

    texts.set(GO, 'Goroutines and channels');
    await updater.apply('alice', [upsert({ ...GO, status: 'valid', checked_at: CHECKED_AT })]);

    expect(await search('alice', 'goroutines')).toEqual([GO.url]);
  });

  it('given a link not checked yet, when it is upserted, then no page text is read: it has none', async () => {
    const { updater, links, texts, search } = anUpdater();
    links.put(GO);

    await updater.apply('alice', [upsert(GO)]);
    await updater.apply('alice', [upsert({ ...GO, title: 'Go, edited', version: 2 })]);

    expect(texts.reads).toBe(0);
    expect(await search('alice', 'edited')).toEqual([GO.url]);
  });

  it('given an edit without new text, when applied, then the page text is still searchable', async () => {
    const { updater, links, texts, search } = anUpdater();
    const checked = { ...GO, status: 'valid' as const, checked_at: CHECKED_AT };
    links.put(checked);
    texts.set(GO, 'Goroutines and channels');
    await updater.apply('alice', [upsert(checked)]);

    await updater.apply('alice', [upsert({ ...checked, title: 'Renamed' })]);

    expect(await search('alice', 'channels')).toEqual([GO.url]);
  });

  it('given a user without a stored index, when a change arrives, then the index is built from all their links', async () => {
    const { updater, links, texts, search } = anUpdater();
    const older = aLink({ url: 'https://old.example/', title: 'From before search', checked_at: CHECKED_AT });
    links.put(older, GO);
    texts.set(older, 'archived words');

    await updater.apply('alice', [upsert(GO)]);

    expect(await search('alice', 'archived')).toEqual([older.url]);
    expect(await search('alice', 'language')).toEqual([GO.url]);
  });

  it('given a user whose links are all gone, when the last removal arrives, then no index is left stored', async () => {
    const { store, updater, links } = anUpdater();
    links.put(GO);
    await updater.apply('alice', [upsert(GO)]);
    links.delete(GO);

    await updater.apply('alice', [remove(GO)]);
    expect(store.objects.has('alice')).toBe(false);

    // An erased account's late removals find no index and build none.
    await updater.apply('alice', [remove(GO)]);
    expect(store.objects.has('alice')).toBe(false);
  });

  it("given two users, when each applies a change, then neither index holds the other's link", async () => {
    const { updater, links, search } = anUpdater();
    const bobs = aLink({ username: 'bob', url: 'https://bob.example/', title: 'language of bob' });
    links.put(GO, bobs);

    await updater.apply('alice', [upsert(GO)]);
    await updater.apply('bob', [upsert(bobs)]);

    expect(await search('alice', 'language')).toEqual([GO.url]);
    expect(await search('bob', 'language')).toEqual([bobs.url]);
  });
});
