import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Link } from '../../../shared/links/model.ts';
import { PageTokens } from '../../../shared/pagination.ts';
import { LinkSearch } from '../../../shared/search/core.ts';
import { LinkSearchIndex } from '../../../shared/search/index.ts';
import { aLink } from '../../support/builders.ts';
import { InMemoryIndexStore, InMemoryLinks, InMemoryRebuilds } from './fakes.ts';

const tokens = new PageTokens(async () => Buffer.alloc(32, 9));
const WORDS = ['alpha', 'beta', 'gamma'];

/** One link as the (lagging) index last saw it, and as the links table holds it now: changed, or gone. */
const linkStates = fc.record({
  n: fc.integer({ min: 0, max: 30 }),
  title: fc.constantFrom(...WORDS),
  indexedPrivate: fc.boolean(),
  now: fc.constantFrom('same', 'private', 'public', 'deleted'),
});

describe('LinkSearch: properties', () => {
  it('given an index that lags the links table anyhow, when any query is searched and paged, then never a deleted link, nor a private one publicly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(linkStates, { maxLength: 25 }),
        fc.constantFrom('alpha', 'beta OR gamma', '-alpha', 'is:private', 'is:public', ''),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        async (states, q, publicOnly, limit) => {
          const store = new InMemoryIndexStore();
          const table = new InMemoryLinks();
          const index = LinkSearchIndex.empty();
          const current = new Map<string, Link>();
          for (const state of states) {
            const indexed = aLink({
              url: `https://l${state.n}.example/`,
              title: state.title,
              private: state.indexedPrivate,
            });
            index.upsert(indexed);
            if (state.now === 'deleted') {
              current.delete(indexed.url);
              continue;
            }
            const now = state.now === 'same' ? indexed : { ...indexed, private: state.now === 'private' };
            current.set(indexed.url, now);
          }
          table.put(...current.values());
          await store.save('alice', index);
          const search = new LinkSearch(store, table, tokens, async () => true, new InMemoryRebuilds());

          const shown: Link[] = [];
          let token: string | undefined;
          for (let pages = 0; pages < 40; pages++) {
            const page = await search.page('alice', { q, publicOnly, filter: {}, limit, startToken: token });
            shown.push(...page.links);
            if (!page.nextToken) break;
            token = page.nextToken;
          }

          for (const link of shown) {
            expect(current.has(link.url)).toBe(true);
            if (publicOnly) expect(current.get(link.url)!.private).toBe(false);
          }
          expect(new Set(shown.map((link) => link.url)).size).toBe(shown.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
