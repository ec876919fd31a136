import { dateFromEpoch, EntryChecker, validDate } from './entry.ts';
import { LineCounter } from './lines.ts';
import type { ParsedItem } from './model.ts';

/**
 * Pinboard's JSON export (`/v1/posts/all?format=json`): an array of posts,
 *
 *     [{"href": "...", "description": "the title", "extended": "the description", "meta": "...",
 *       "hash": "...", "time": "2020-01-02T03:04:05Z", "shared": "no", "toread": "no", "tags": "go k8s"}]
 *
 * `description` is the title and `extended` the description (Pinboard kept del.icio.us's names); `tags` are
 * separated by spaces; `shared: "no"` is private. A 10 MiB file is parsed whole with JSON.parse (measured: about
 * a few times its size at the peak, well within the import's memory); each post's line is where its `{` stands.
 */
export function readPinboard(text: string): { posts: unknown[] } | { problem: string } {
  let posts: unknown;
  try {
    posts = JSON.parse(text);
  } catch (error) {
    return { problem: `not a bookmark file: not valid JSON (${(error as Error).message})` };
  }
  if (!Array.isArray(posts))
    return { problem: "not a bookmark file: Pinboard's JSON export is an array of posts" };
  if (
    posts.length > 0 &&
    !posts.some((post) => typeof post === 'object' && post !== null && 'href' in post)
  ) {
    return { problem: "not a bookmark file: no element of the array has an href, as Pinboard's posts do" };
  }
  return { posts };
}

/** The items of posts that `readPinboard` read from `text`. */
export function* pinboardItems(text: string, posts: unknown[]): Generator<ParsedItem> {
  const lines = topLevelObjectLines(text);
  const checker = new EntryChecker();
  for (const [index, post] of posts.entries()) {
    const line = lines[index] ?? 1;
    if (typeof post !== 'object' || post === null || Array.isArray(post)) {
      yield { kind: 'error', error: { line, reason: 'not a bookmark object' } };
      continue;
    }
    const fields = post as Record<string, unknown>;
    const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
    yield checker.check({
      line,
      href: typeof fields.href === 'string' ? fields.href : undefined,
      title: text('description'),
      description: text('extended'),
      tags: text('tags').split(/\s+/),
      private: text('shared').trim().toLowerCase() === 'no',
      created: dateOf(fields.time),
    });
  }
}

/** Pinboard writes ISO 8601 (`2020-01-02T03:04:05Z`); epoch seconds are read too. */
function dateOf(value: unknown): Date | undefined {
  if (typeof value === 'number') return dateFromEpoch(String(value));
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  return validDate(new Date(value));
}

/**
 * The line of each element of the top-level array that opens an object, in order: a scan that knows only
 * strings and nesting, run on text that JSON.parse has already accepted. Elements that are not objects get no
 * line of their own (their neighbours' would be shifted), so every element's line is recorded.
 */
function topLevelObjectLines(text: string): number[] {
  const counter = new LineCounter(text);
  const lines: number[] = [];
  let depth = 0;
  let inString = false;
  let expectingElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectingElement && c !== undefined && !/\s/.test(c)) {
      if (c !== ']') lines.push(counter.lineAt(i));
      expectingElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectingElement = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectingElement = true;
  }
  return lines;
}
