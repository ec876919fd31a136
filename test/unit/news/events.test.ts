import { describe, expect, it } from 'vitest';
import type { LinkChange } from '../../../shared/links/stream.ts';
import { feedChangesFor } from '../../../shared/news/events.ts';
import { aLink } from '../../support/builders.ts';

const at = '2026-11-23T18:05:00.000Z';
const change = (before: LinkChange['before'], after: LinkChange['after']): LinkChange => ({
  ...(before ? { before } : {}),
  ...(after ? { after } : {}),
  at,
});

describe('what a link change means for followers', () => {
  it('given a new public link, then followers get link_added by its author, dated at creation', () => {
    const link = aLink({ username: 'bob', created_at: '2026-11-23T18:00:00.000Z' });

    const [only, ...rest] = feedChangesFor(change(undefined, link));

    expect(rest).toEqual([]);
    expect(only).toMatchObject({
      kind: 'publish',
      event: { type: 'link_added', author: 'bob', url: link.url, timestamp: link.created_at },
    });
  });

  it('given a new public link that an import added, then nothing reaches followers; a later edit of it does', () => {
    const imported = aLink({ username: 'bob', imported_by: 'mio5xk2a0f3c9b8e7d6a5b4c3' });
    const edited = { ...imported, title: 'Edited', updated_at: '2026-11-23T18:01:00.000Z', version: 2 };

    expect(feedChangesFor(change(undefined, imported))).toEqual([]);
    expect(feedChangesFor(change(imported, edited))).toMatchObject([
      { kind: 'publish', event: { type: 'link_updated', author: 'bob' } },
    ]);
  });

  it('given a new private link, then nothing reaches anybody', () => {
    expect(feedChangesFor(change(undefined, aLink({ private: true })))).toEqual([]);
  });

  it('given a visible edit (title, description or tags), then followers get link_updated dated at the edit', () => {
    const before = aLink();
    for (const edit of [{ title: 'New' }, { description: 'More' }, { tags: ['other'] }]) {
      const after = { ...before, ...edit, updated_at: '2026-11-23T18:01:00.000Z', version: 2 };
      expect(feedChangesFor(change(before, after))).toMatchObject([
        { kind: 'publish', event: { type: 'link_updated', timestamp: after.updated_at } },
      ]);
    }
  });

  it("given a change nobody sees (the link checker's status), then nothing is sent", () => {
    const before = aLink();
    const after = { ...before, status: 'valid' as const, http_status: 200, checked_at: at, version: 2 };
    expect(feedChangesFor(change(before, after))).toEqual([]);
  });

  it('given a public link deleted, then followers get link_deleted dated after its last change', () => {
    const before = aLink({ updated_at: '2026-11-23T18:04:59.999Z' });
    const [only] = feedChangesFor({ before, at: '2026-11-23T18:04:00.000Z' });
    expect(only).toMatchObject({
      kind: 'publish',
      event: { type: 'link_deleted', timestamp: '2026-11-23T18:05:00.000Z' },
    });
  });

  it('given a private link deleted, then nothing is sent', () => {
    expect(feedChangesFor(change(aLink({ private: true }), undefined))).toEqual([]);
  });

  it('given a link turned private, then it is retracted from feeds at its new revision', () => {
    const before = aLink({ username: 'bob', created_at: '2026-11-23T18:00:00.000Z' });
    const after = { ...before, private: true, version: 2 };
    expect(feedChangesFor(change(before, after))).toEqual([
      {
        kind: 'retract',
        author: 'bob',
        url: before.url,
        revision: '2026-11-23T18:00:00.000Z#000000000002',
      },
    ]);
  });

  it('given a private link turned public, then it arrives as added, dated when it became public', () => {
    const before = aLink({ private: true });
    const after = {
      ...before,
      private: false,
      updated_at: '2026-11-23T18:02:00.000Z',
      published_at: '2026-11-23T18:02:00.000Z',
    };
    expect(feedChangesFor(change(before, after))).toMatchObject([
      { kind: 'publish', event: { type: 'link_added', timestamp: after.published_at } },
    ]);
  });

  it('given changes to one link, then their revisions grow with the link, across a deletion and a new add', () => {
    const added = aLink({ created_at: '2026-11-23T18:00:00.000Z' });
    const edited = { ...added, title: 'Go', updated_at: '2026-11-23T18:01:00.000Z', version: 2 };
    const again = aLink({ created_at: '2026-11-23T18:03:00.000Z' });
    const revisions = [
      feedChangesFor(change(undefined, added)),
      feedChangesFor(change(added, edited)),
      feedChangesFor(change(edited, undefined)),
      feedChangesFor(change(undefined, again)),
    ].map(([only]) => only!.revision);

    expect([...revisions].sort()).toEqual(revisions);
    expect(new Set(revisions).size).toBe(4);
  });

  it('given the same change seen twice, then both carry the same event id', () => {
    const link = aLink();
    expect(feedChangesFor(change(undefined, link))).toEqual(feedChangesFor(change(undefined, link)));
  });
});
