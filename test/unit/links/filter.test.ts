import { describe, expect, it } from 'vitest';
import { InvalidRequest } from '../../../shared/errors.ts';
import {
  LinkFilter,
  MAX_REGEX_LENGTH,
  MAX_REGEX_PROGRAM_SIZE,
  RegexBudget,
} from '../../../shared/links/filter.ts';
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

describe('LinkFilter: the cost of a pattern', () => {
  it.each([
    ['(?:a{0,50}){0,20}$', 'nested repetitions multiply to 1000'],
    ['(?:(?:a{0,5}){0,5}){0,5}', 'nested repetitions multiply to 125'],
    ['a{101}', 'repeats up to 101 times'],
    ['x{0,1000}', 'repeats up to 1000 times'],
    ['[a-z]{200,}', 'repeats up to 200 times'],
    ['\\w{0,100}\\w{0,100}', 'compiles to 402 RE2 instructions'],
    ['.{0,100}.{0,100}', 'compiles to 402 RE2 instructions'],
  ])(
    'given %s, when compiled as a description_regex, then InvalidRequest naming the field: %s',
    async (pattern, reason) => {
      const compiled = LinkFilter.compile({ descriptionRegex: pattern });

      await expect(compiled).rejects.toBeInstanceOf(InvalidRequest);
      await expect(compiled).rejects.toMatchObject({
        details: { description_regex: expect.stringContaining(reason) },
      });
    },
  );

  it.each([
    '^https://(www\\.)?github\\.com/',
    'go|rust',
    '\\bk8s\\b',
    '(?i)^(?:https?://)?(?:www\\.)?(?:github|gitlab|bitbucket)\\.(?:com|org)/[^/]+/[^/]+/?$',
    '(\\d{1,3}\\.){3}\\d{1,3}',
    '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
    '(?:a{0,10}){0,10}$',
    'x'.repeat(MAX_REGEX_LENGTH),
    // Braces that are not repetitions: escaped, in a class, quoted, or part of an escape.
    'a\\{500\\}',
    '[{500}]',
    '[[:alpha:]{500}]',
    '\\Q{500}\\E',
    '\\x{41}{3}\\p{Greek}{2}',
  ])('given the ordinary pattern %s, when compiled, then it is accepted', async (pattern) => {
    await expect(LinkFilter.compile({ urlRegex: pattern })).resolves.toBeInstanceOf(LinkFilter);
  });

  it('given the longest literal pattern, when compiled, then its program fits the size cap: plain searches never hit it', async () => {
    const { RE2JS } = await import('re2js');

    expect(RE2JS.compile('x'.repeat(MAX_REGEX_LENGTH)).programSize()).toBeLessThanOrEqual(
      MAX_REGEX_PROGRAM_SIZE,
    );
  });
});

describe('LinkFilter.test: the time budget', () => {
  /** A clock that moves `step` ms each time it is read: every regex seems to take `step` ms. */
  const tickingClock = (step: number) => {
    let now = 0;
    return () => (now += step);
  };

  it('given a budget already spent, when a link is tested, then undefined (undecided) before any regex runs', async () => {
    const filter = await LinkFilter.compile({ urlRegex: 'golang', titleRegex: 'Go' });
    const budget = new RegexBudget(10, tickingClock(10));
    budget.measure(() => undefined);

    expect(budget.exhausted).toBe(true);
    expect(filter.test(link, budget)).toBeUndefined();
  });

  it('given a budget that runs out after the url regex, when a link is tested, then undefined rather than a guess', async () => {
    const filter = await LinkFilter.compile({ urlRegex: 'golang', titleRegex: 'Go' });
    const budget = new RegexBudget(10, tickingClock(10));

    expect(filter.test(link, budget)).toBeUndefined();
    expect(budget.spentMs).toBe(10);
  });

  it('given a spent budget and a tag the link lacks, when tested, then false: the free test decides', async () => {
    const filter = await LinkFilter.compile({ urlRegex: 'golang', tag: 'rust' });
    const budget = new RegexBudget(0, tickingClock(10));

    expect(filter.test(link, budget)).toBe(false);
  });

  it('given a spent budget, when a link is tested with mayStop false, then it is decided and the time counted', async () => {
    const filter = await LinkFilter.compile({ urlRegex: 'golang', titleRegex: 'Go' });
    const budget = new RegexBudget(0, tickingClock(10));

    expect(filter.test(link, budget, false)).toBe(true);
    expect(budget.spentMs).toBe(20);
  });
});
