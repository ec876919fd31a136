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
  it('given no filter at all (or empty strings), when compiled, then it is empty and matches every link', async () => {
    for (const input of [{}, { urlRegex: '', titleRegex: '', descriptionRegex: '', tag: '' }]) {
      const filter = await LinkFilter.compile(input);
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
  ])('given %j, when a Go documentation link is tested, then it matches: %s', async (input, expected) => {
    expect((await LinkFilter.compile(input)).matches(link)).toBe(expected);
  });

  it('given several invalid fields at once, when compiled, then one InvalidRequest naming each of them', async () => {
    const compiled = LinkFilter.compile({
      urlRegex: '(',
      titleRegex: 'x'.repeat(MAX_REGEX_LENGTH + 1),
      descriptionRegex: 'ok',
    });

    const error = await compiled.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(InvalidRequest);
    expect(Object.keys((error as InvalidRequest).details ?? {}).sort()).toEqual(['title_regex', 'url_regex']);
  });

  it('given a lookahead, which RE2 does not have, when compiled, then InvalidRequest (JavaScript would accept it)', async () => {
    await expect(LinkFilter.compile({ urlRegex: 'go(?=lang)' })).rejects.toThrow(InvalidRequest);
  });
});
