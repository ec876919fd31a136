import { describe, expect, it } from 'vitest';
import { InvalidRequest } from '../../../shared/errors.ts';
import { LinkFilter, MAX_REGEX_LENGTH } from '../../../shared/links/filter.ts';
import { aLink } from '../../support/builders.ts';

const link = aLink({
  url: 'https://golang.org/doc/',
  title: 'Go documentation',
  description: 'Tutorials and references',
  tags: ['go', 'docs'],
});

describe('LinkFilter', () => {
  it('given no filter at all (or empty strings), when compiled, then it is empty and matches every link', () => {
    for (const input of [{}, { urlRegex: '', titleRegex: '', descriptionRegex: '', tag: '' }]) {
      const filter = LinkFilter.compile(input);
      expect(filter.isEmpty).toBe(true);
      expect(filter.matches(link)).toBe(true);
    }
  });

  it.each([
    [{ urlRegex: 'golang' }, true],
    [{ urlRegex: '^golang' }, false],
    [{ urlRegex: '^https://golang' }, true],
    [{ titleRegex: 'doc' }, true],
    [{ titleRegex: '(?i)DOCUMENTATION' }, true],
    [{ titleRegex: 'DOCUMENTATION' }, false],
    [{ descriptionRegex: 'ref.+s$' }, true],
    [{ tag: 'docs' }, true],
    [{ tag: ' DOCS ' }, true],
    [{ tag: 'doc' }, false],
    [{ urlRegex: 'golang', tag: 'rust' }, false],
    [{ urlRegex: 'golang', titleRegex: 'Go', descriptionRegex: 'Tutorials', tag: 'go' }, true],
  ])('given %j, when a Go documentation link is tested, then it matches: %s', (input, expected) => {
    expect(LinkFilter.compile(input).matches(link)).toBe(expected);
  });

  it('given several invalid fields at once, when compiled, then one InvalidRequest naming each of them', () => {
    const compile = () =>
      LinkFilter.compile({
        urlRegex: '(',
        titleRegex: 'x'.repeat(MAX_REGEX_LENGTH + 1),
        descriptionRegex: 'ok',
      });

    expect(compile).toThrow(InvalidRequest);
    try {
      compile();
    } catch (error) {
      expect(Object.keys((error as InvalidRequest).details ?? {}).sort()).toEqual([
        'title_regex',
        'url_regex',
      ]);
    }
  });

  it('given a lookahead, which RE2 does not have, when compiled, then InvalidRequest (JavaScript would accept it)', () => {
    expect(() => LinkFilter.compile({ urlRegex: 'go(?=lang)' })).toThrow(InvalidRequest);
  });
});
