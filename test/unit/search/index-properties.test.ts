import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Link } from '../../../shared/links/model.ts';
import { LinkSearchIndex } from '../../../shared/search/index.ts';
import { LINK_STATES, normalizeText, type Query, wordsOf } from '../../../shared/search/query.ts';
import { aLink } from '../../support/builders.ts';

/** A small world, so that random links and queries often meet. */
const WORDS = ['alpha', 'beta', 'Gamma', 'café', 'Émile', 'zeta', 'alphabet'];
const TAGS = ['go', 'rust', 'Café', 'node.js'];
const HOSTS = ['a.example', 'sub.a.example', 'b.example', 'c.test'];
const DATES = ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-03-01T12:00:00.000Z'];

const url = fc
  .tuple(fc.constantFrom(...HOSTS), fc.integer({ min: 0, max: 5 }))
  .map(([host, n]) => `https://${host}/${n}`);
const text = fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }).map((words) => words.join(' '));
const link = fc
  .record({
    url,
    title: text,
    description: text,
    tags: fc.subarray(TAGS).map((tags) => tags.map((tag) => tag.toLowerCase()).sort()),
    private: fc.boolean(),
    status: fc.constantFrom<Link['status']>('pending', 'valid', 'invalid'),
    created_at: fc.constantFrom(...DATES),
  })
  .map((fields) => aLink(fields));

type Operation =
  | { kind: 'upsert'; link: Link; text: string | undefined }
  | { kind: 'remove'; url: string }
  | { kind: 'setText'; url: string; text: string };
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('upsert' as const), link, text: fc.option(text, { nil: undefined }) }),
  fc.record({ kind: fc.constant('remove' as const), url }),
  fc.record({ kind: fc.constant('setText' as const), url, text }),
);

const normalizedWord = fc.constantFrom(...WORDS.map((word) => normalizeText(word)));
const { query } = fc.letrec<{ query: Query; leaf: Query }>((tie) => ({
  leaf: fc.oneof(
    normalizedWord.map((word): Query => ({ kind: 'word', word })),
    normalizedWord.map((word): Query => ({ kind: 'prefix', prefix: word.slice(0, 3) })),
    fc.constantFrom(...TAGS).map((tag): Query => ({ kind: 'tag', tag: normalizeText(tag) })),
    fc.constantFrom(...LINK_STATES).map((state): Query => ({ kind: 'is', state })),
    fc
      .constantFrom('a.example', 'b.example', 'example', 'test')
      .map((host): Query => ({ kind: 'site', host })),
  ),
  query: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    tie('query').map((inner): Query => ({ kind: 'not', query: inner })),
    fc
      .array(tie('query'), { minLength: 2, maxLength: 3 })
      .map((queries): Query => ({ kind: 'and', queries })),
    fc.array(tie('query'), { minLength: 2, maxLength: 3 }).map((queries): Query => ({ kind: 'or', queries })),
  ),
}));

interface Entry {
  link: Link;
  text: string;
}

/** What the index should hold after the operations: each URL's last link and page text. */
function modelOf(operations: Operation[]): Map<string, Entry> {
  const model = new Map<string, Entry>();
  for (const op of operations) {
    if (op.kind === 'upsert') model.set(op.link.url, { link: op.link, text: op.text ?? '' });
    if (op.kind === 'remove') model.delete(op.url);
    if (op.kind === 'setText') {
      const entry = model.get(op.url);
      if (entry) model.set(op.url, { ...entry, text: op.text });
    }
  }
  return model;
}

/** The reference: the query evaluated word by word over a link's fields, without an index. */
function referenceMatches(query: Query, { link, text }: Entry): boolean {
  const words = new Set(
    [link.title, link.description, link.url, link.tags.join(' '), text].flatMap((field) => wordsOf(field)),
  );
  const host = new URL(link.url).hostname;
  const holds = (part: Query): boolean => {
    switch (part.kind) {
      case 'word':
        return words.has(part.word);
      case 'prefix':
        return [...words].some((word) => word.startsWith(part.prefix));
      case 'tag':
        return link.tags.map(normalizeText).includes(part.tag);
      case 'is':
        if (part.state === 'private') return link.private;
        if (part.state === 'public') return !link.private;
        return link.status === part.state;
      case 'site':
        return host === part.host || host.endsWith(`.${part.host}`);
      case 'not':
        return !holds(part.query);
      case 'and':
        return part.queries.every(holds);
      case 'or':
        return part.queries.some(holds);
      default:
        throw new Error(`not generated: ${part.kind}`);
    }
  };
  return holds(query);
}

describe('LinkSearchIndex: properties', () => {
  it('given random links, edits, page texts and removals, when random queries are searched, then exactly the links the reference matches; never a private one with publicOnly, never a removed one', () => {
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 30 }),
        fc.array(query, { minLength: 1, maxLength: 5 }),
        (operations, queries) => {
          const index = LinkSearchIndex.empty();
          for (const op of operations) {
            if (op.kind === 'upsert') index.upsert(op.link, op.text);
            if (op.kind === 'remove') index.remove(op.url);
            if (op.kind === 'setText') index.setText(op.url, op.text);
          }
          const model = modelOf(operations);

          for (const q of queries) {
            const everyone = index.search(q, { publicOnly: false });
            const publicOnly = index.search(q, { publicOnly: true });

            const expected = [...model.values()].filter((entry) => referenceMatches(q, entry));
            expect(new Set(everyone).size).toBe(everyone.length);
            expect([...everyone].sort()).toEqual(expected.map((entry) => entry.link.url).sort());
            expect([...publicOnly].sort()).toEqual(
              expected
                .filter((entry) => !entry.link.private)
                .map((entry) => entry.link.url)
                .sort(),
            );
            expect(publicOnly.filter((found) => model.get(found)?.link.private !== false)).toEqual([]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('LinkSearchIndex: its stored form (stored-form.ts)', () => {
  it('given random operations, some applied to an index written and read back between them (as the updater does), when random queries are searched, then the same links in the same order as an index read back once at the end', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(operation, fc.boolean()), { maxLength: 30 }),
        fc.array(query, { minLength: 1, maxLength: 5 }),
        (steps, queries) => {
          let reloaded = LinkSearchIndex.empty();
          const straight = LinkSearchIndex.empty();
          for (const [op, writeBefore] of steps) {
            if (writeBefore) reloaded = LinkSearchIndex.fromBytes(reloaded.toBytes());
            for (const index of [reloaded, straight]) {
              if (op.kind === 'upsert') index.upsert(op.link, op.text);
              if (op.kind === 'remove') index.remove(op.url);
              if (op.kind === 'setText') index.setText(op.url, op.text);
            }
          }
          const model = modelOf(steps.map(([op]) => op));
          const reloadedAtTheEnd = LinkSearchIndex.fromBytes(reloaded.toBytes());
          const straightAtTheEnd = LinkSearchIndex.fromBytes(straight.toBytes());

          expect(reloadedAtTheEnd.size).toBe(model.size);
          for (const q of queries) {
            const expected = [...model.values()].filter((entry) => referenceMatches(q, entry));
            const found = reloadedAtTheEnd.search(q, { publicOnly: false });
            expect([...found].sort()).toEqual(expected.map((entry) => entry.link.url).sort());
            expect(found).toEqual(straightAtTheEnd.search(q, { publicOnly: false }));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
