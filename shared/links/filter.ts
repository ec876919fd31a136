import type { RE2JS } from 're2js';
import { InvalidRequest } from '../errors.ts';
import { MAX_REGEX_LENGTH, type Link } from './model.ts';
import { repetitionOf } from './regex-repetition.ts';

export { MAX_REGEX_LENGTH };
/** The largest count of a counted repetition `{n,m}`, nested counts multiplied. */
const MAX_REGEX_REPETITION = 100;
/**
 * The largest compiled program, in RE2 instructions. Matching costs up to the program's size times the text's
 * length: at 300, about 30 to 50 ms on a 4 KB description in the worst case we found (see bench/regex.ts),
 * while a 256-character literal compiles to 258 and everyday patterns to a few dozen.
 */
export const MAX_REGEX_PROGRAM_SIZE = 300;

export interface LinkFilterInput {
  urlRegex?: string | undefined;
  titleRegex?: string | undefined;
  descriptionRegex?: string | undefined;
  tag?: string | undefined;
}

/**
 * The time a listing may spend matching regexes, measured by a clock that tests can drive. Wall time of
 * synchronous matching, so it is at least the CPU time spent.
 */
export class RegexBudget {
  private spent = 0;

  constructor(
    private readonly limitMs: number,
    private readonly clock: () => number,
  ) {}

  get exhausted(): boolean {
    return this.spent >= this.limitMs;
  }

  get spentMs(): number {
    return this.spent;
  }

  measure<T>(work: () => T): T {
    const started = this.clock();
    try {
      return work();
    } finally {
      this.spent += this.clock() - started;
    }
  }
}

type RegexTest = (link: Link) => boolean;

/**
 * The filters of `GET /v1/links`: unanchored RE2 regexes (linear time, so no pattern can make a request
 * hang) on url, title and description, and an exact tag. Linear is not free: a pattern's cost is capped at
 * compile time, and the listing spends a time budget on matching (see `test`).
 */
export class LinkFilter {
  private constructor(
    private readonly tag: string | undefined,
    /** Shortest field first, so that a miss is found as cheaply as possible. */
    private readonly regexes: RegexTest[],
  ) {}

  /** The regex engine is loaded on first use: only listings with a regex filter pay for it at cold start. */
  static async compile(input: LinkFilterInput): Promise<LinkFilter> {
    const regexes: RegexTest[] = [];
    const invalid: Record<string, string> = {};
    const fields: [string, string | undefined, (link: Link) => string][] = [
      ['url_regex', input.urlRegex, (link) => link.url],
      ['title_regex', input.titleRegex, (link) => link.title],
      ['description_regex', input.descriptionRegex, (link) => link.description],
    ];
    for (const [field, pattern, text] of fields) {
      if (pattern === undefined || pattern === '') continue;
      if (pattern.length > MAX_REGEX_LENGTH) {
        invalid[field] = `at most ${MAX_REGEX_LENGTH} characters`;
        continue;
      }
      const { RE2JS: engine } = await import('re2js');
      let regex: RE2JS;
      try {
        regex = engine.compile(pattern);
      } catch (error) {
        invalid[field] = `not a valid RE2 regular expression: ${(error as Error).message}`;
        continue;
      }
      const tooCostly = costProblem(pattern, regex.programSize());
      if (tooCostly) {
        invalid[field] = tooCostly;
        continue;
      }
      regexes.push((link) => regex.matcher(text(link)).find());
    }
    if (Object.keys(invalid).length > 0) throw new InvalidRequest('Invalid filter.', invalid);
    return new LinkFilter(input.tag?.trim().toLowerCase() || undefined, regexes);
  }

  get isEmpty(): boolean {
    return this.tag === undefined && this.regexes.length === 0;
  }

  /**
   * Whether the link passes every filter; `undefined` when the budget ran out before the answer was known.
   * The tag, which costs nothing, is tested first. With `mayStop` false the link is always decided, the time
   * still counted, so that a listing moves forward by at least one link whatever the budget.
   */
  test(link: Link, budget: RegexBudget, mayStop = true): boolean | undefined {
    if (this.tag !== undefined && !link.tags.includes(this.tag)) return false;
    for (const regex of this.regexes) {
      if (mayStop && budget.exhausted) return undefined;
      if (!budget.measure(() => regex(link))) return false;
    }
    return true;
  }

  /** Whether the link passes every filter, without a budget. */
  matches(link: Link): boolean {
    return this.test(link, new RegexBudget(Infinity, () => 0)) === true;
  }
}

/** Why the pattern would cost too much to match, or undefined when it is fine. */
function costProblem(pattern: string, programSize: number): string | undefined {
  const { largestCount, largestNestedProduct } = repetitionOf(pattern);
  if (largestCount > MAX_REGEX_REPETITION) {
    return `repeats up to ${largestCount} times; a counted repetition may repeat at most ${MAX_REGEX_REPETITION} times`;
  }
  if (largestNestedProduct > MAX_REGEX_REPETITION) {
    return `nested repetitions multiply to ${largestNestedProduct}; at most ${MAX_REGEX_REPETITION} are allowed`;
  }
  if (programSize > MAX_REGEX_PROGRAM_SIZE) {
    return `compiles to ${programSize} RE2 instructions; at most ${MAX_REGEX_PROGRAM_SIZE} are allowed`;
  }
  return undefined;
}
