import { InvalidRequest } from '../errors.ts';
import type { Link } from './model.ts';

export const MAX_REGEX_LENGTH = 256;

export interface LinkFilterInput {
  urlRegex?: string | undefined;
  titleRegex?: string | undefined;
  descriptionRegex?: string | undefined;
  tag?: string | undefined;
}

/**
 * The filters of `GET /v1/links`: unanchored RE2 regexes (linear time, so no pattern can make a request
 * hang) on url, title and description, and an exact tag.
 */
export class LinkFilter {
  private constructor(private readonly tests: ((link: Link) => boolean)[]) {}

  /** The regex engine is loaded on first use: only listings with a regex filter pay for it at cold start. */
  static async compile(input: LinkFilterInput): Promise<LinkFilter> {
    const tests: ((link: Link) => boolean)[] = [];
    const invalid: Record<string, string> = {};
    const regexes: [string, string | undefined, (link: Link) => string][] = [
      ['url_regex', input.urlRegex, (link) => link.url],
      ['title_regex', input.titleRegex, (link) => link.title],
      ['description_regex', input.descriptionRegex, (link) => link.description],
    ];
    for (const [field, pattern, text] of regexes) {
      if (pattern === undefined || pattern === '') continue;
      if (pattern.length > MAX_REGEX_LENGTH) {
        invalid[field] = `at most ${MAX_REGEX_LENGTH} characters`;
        continue;
      }
      try {
        const { RE2JS } = await import('re2js');
        const regex = RE2JS.compile(pattern);
        tests.push((link) => regex.matcher(text(link)).find());
      } catch (error) {
        invalid[field] = `not a valid RE2 regular expression: ${(error as Error).message}`;
      }
    }
    if (Object.keys(invalid).length > 0) throw new InvalidRequest('Invalid filter.', invalid);
    const tag = input.tag?.trim().toLowerCase();
    if (tag) tests.push((link) => link.tags.includes(tag));
    return new LinkFilter(tests);
  }

  get isEmpty(): boolean {
    return this.tests.length === 0;
  }

  matches(link: Link): boolean {
    return this.tests.every((test) => test(link));
  }
}
