import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryChecker, type RawBookmark } from '../../../shared/imports/entry.ts';
import {
  descriptionSchema,
  MAX_DESCRIPTION_LENGTH,
  MAX_TAG_LENGTH,
  MAX_TITLE_LENGTH,
  tagsSchema,
  titleSchema,
} from '../../../shared/links/model.ts';

/**
 * Whatever a file holds, an imported entry is a link the API itself would store as it is: its title,
 * description and tags come out of the API's own schemas unchanged, and are well-formed Unicode.
 */

/** Text around a limit: any characters, emoji and lone surrogate halves included, and whitespace at the cut. */
const textNear = (limit: number) =>
  fc
    .tuple(
      fc.nat({ max: 3 }).map((extra) => limit - 2 + extra),
      fc.string({ unit: fc.constantFrom('a', ' ', '\u{1F600}', '\uD83D', '\t', 'İ', ','), maxLength: 8 }),
    )
    .map(([length, tail]) => 'x'.repeat(Math.max(0, length)) + tail);

const rawBookmarks = fc.record({
  title: fc.oneof(fc.string({ unit: 'binary' }), textNear(MAX_TITLE_LENGTH)),
  description: fc.oneof(fc.string({ unit: 'binary' }), textNear(MAX_DESCRIPTION_LENGTH)),
  tags: fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 10 }), textNear(MAX_TAG_LENGTH)), {
    maxLength: 5,
  }),
  private: fc.boolean(),
});

describe('imported entries and the API', () => {
  it('given any title, description and tags in a file, then the entry is what the API would store from them', () => {
    fc.assert(
      fc.property(rawBookmarks, (fields) => {
        const raw: RawBookmark = { line: 1, href: 'https://a.example/', ...fields };

        const item = new EntryChecker().check(raw);

        expect(item.kind).toBe('entry');
        if (item.kind !== 'entry') return;
        const { title, description, tags } = item.entry;
        expect(titleSchema.parse(title)).toBe(title);
        expect(descriptionSchema.parse(description)).toBe(description);
        expect(tagsSchema.parse(tags)).toEqual(tags);
        for (const text of [title, description, ...tags]) expect(text.isWellFormed()).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
