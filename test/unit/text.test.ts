import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutText } from '../../shared/text.ts';

describe('cutting text at a length', () => {
  it('given any text of whole characters and any limit, then the cut is the longest prefix within the limit that splits no character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.nat(50), (text, max) => {
        const cut = cutText(text, max);

        expect(text.startsWith(cut)).toBe(true);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(cut.isWellFormed()).toBe(true);
        // Only the half of a pair can be left out beyond the limit.
        expect(cut.length).toBeGreaterThanOrEqual(Math.min(text.length, max) - 1);
        if (cut.length < Math.min(text.length, max))
          expect(text.codePointAt(cut.length)).toBeGreaterThan(0xffff);
      }),
    );
  });

  it('given a limit that falls between the halves of an emoji, then the emoji goes whole', () => {
    expect(cutText('ab\u{1F600}c', 3)).toBe('ab');
    expect(cutText('ab\u{1F600}c', 4)).toBe('ab\u{1F600}');
    expect(cutText('abc', 3)).toBe('abc');
  });
});
