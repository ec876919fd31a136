/**
 * The counted repetitions (`{n}`, `{n,}`, `{n,m}`) of an RE2 pattern that re2js has already accepted.
 *
 * re2js keeps its parse tree private, so this reads the pattern text; it only has to find where character
 * classes, escapes and `\Q...\E` quotes end, since in RE2 syntax a brace elsewhere is either a counted
 * repetition or a literal that does not look like one. Should it ever count wrong, the cap on the compiled
 * program's size (see filter.ts) still bounds the pattern's cost: this check is the clearer message, not the
 * only guard.
 */
interface Repetition {
  /** The largest count of any one repetition (`m` in `{n,m}`, else `n`). */
  largestCount: number;
  /** The largest product of counts nested inside one another: `(?:a{0,50}){0,20}` is 1,000. */
  largestNestedProduct: number;
}

const COUNTED = /^\{(\d+)(?:,(\d*))?\}/;

export function repetitionOf(pattern: string): Repetition {
  /** Per open group, the largest product of counts inside it. */
  const groups: number[] = [1];
  /** The product of counts inside the atom just read: what a repetition that follows multiplies. */
  let lastAtom = 1;
  let largestCount = 0;
  const within = (product: number) => {
    groups[groups.length - 1] = Math.max(groups.at(-1)!, product);
  };

  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\' && pattern[i + 1] === 'Q') {
      const end = pattern.indexOf('\\E', i + 2);
      i = end === -1 ? pattern.length : end + 2;
      lastAtom = 1;
    } else if (c === '\\') {
      i = afterEscape(pattern, i);
      lastAtom = 1;
    } else if (c === '[') {
      i = afterClass(pattern, i);
      lastAtom = 1;
    } else if (c === '(') {
      groups.push(1);
      i++;
    } else if (c === ')') {
      lastAtom = groups.length > 1 ? groups.pop()! : 1;
      within(lastAtom);
      i++;
    } else if (c === '{' && COUNTED.test(pattern.slice(i))) {
      const [counted, low, high] = COUNTED.exec(pattern.slice(i))!;
      // `{n,}` is n copies and a star: its cost grows with n alone.
      const count = high ? Number(high) : Number(low);
      largestCount = Math.max(largestCount, count);
      lastAtom *= count;
      within(lastAtom);
      i += counted.length;
    } else {
      lastAtom = 1;
      i++;
    }
  }
  return { largestCount, largestNestedProduct: Math.max(...groups) };
}

/** The index after the escape at `start`: `\x{10FFFF}`, `\p{Greek}` and `\P{Greek}` carry braces. */
function afterEscape(pattern: string, start: number): number {
  const letter = pattern[start + 1];
  if ((letter === 'x' || letter === 'p' || letter === 'P') && pattern[start + 2] === '{') {
    const end = pattern.indexOf('}', start + 3);
    return end === -1 ? pattern.length : end + 1;
  }
  return start + 2;
}

/** The index after the character class opened at `start`, with `[]a]`, `[^]a]` and `[[:alpha:]]` in mind. */
function afterClass(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  while (i < pattern.length) {
    if (pattern[i] === '\\') {
      i = afterEscape(pattern, i);
    } else if (pattern.startsWith('[:', i) && pattern.indexOf(':]', i + 2) !== -1) {
      i = pattern.indexOf(':]', i + 2) + 2;
    } else if (pattern[i] === ']') {
      return i + 1;
    } else {
      i++;
    }
  }
  return i;
}
