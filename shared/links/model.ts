import * as z from '../zod.ts';
import { AlreadyExists } from '../errors.ts';
import { timestampSchema } from '../http/schemas.ts';

/**
 * A user's bookmark: the one declaration of a Link. The core's type, the links table's items (table.ts adds only
 * the keys) and the API's `Link` (schemas.ts omits what clients do not see) all derive from it, so a new field is
 * written here once. Its names are the table's and the contract's.
 */
export const linkSchema = z.object({
  username: z.string(),
  url: z.string(),
  title: z.string(),
  description: z.string(),
  tags: z.meta(z.array(z.string()), { description: 'Lower-cased, unique, sorted.' }),
  private: z.boolean(),
  status: z.enum(['pending', 'valid', 'invalid']),
  http_status: z.nullable(z.number().check(z.int())),
  checked_at: z.nullable(timestampSchema),
  /** Why the last check decided as it did (`HTTP 404`, `refused: ...`); absent until a check is recorded. */
  check_reason: z.optional(z.string()),
  created_at: timestampSchema,
  updated_at: timestampSchema,
  /**
   * When the link last became public: its creation, or the edit that made it public; absent while it is
   * private. Followers' news dates the link's `link_added` by it, however the event reaches them.
   */
  published_at: z.optional(timestampSchema),
  /** Bumped on every change; updates are conditional on it (optimistic concurrency). */
  version: z.number().check(z.int()),
  /**
   * The import that added the link (shared/imports/), absent for links added otherwise. Followers' news skips the
   * insert of an imported link, and a resumed import knows the links it added before it stopped.
   */
  imported_by: z.optional(z.string()),
  /**
   * The correlation id of the request that last wrote the link (shared/correlation.ts): the links stream's
   * record carries it to the news fan-out and the checker, so that a change's journey is found in the logs by one
   * id. Set by the links table's adapters as they write (table.ts `linkToItem`); never shown to clients.
   */
  correlation_id: z.optional(z.string()),
});

export type Link = z.infer<typeof linkSchema>;
export type LinkStatus = Link['status'];

/** Where a newest-first listing stands: the last link handed out. */
export type LinkPosition = Pick<Link, 'created_at' | 'url'>;

/** The user already has a link with this URL: `link`, which the HTTP answer shows beside the error. */
export class DuplicateLink extends AlreadyExists {
  constructor(readonly link: Link) {
    super('You already have a link with this URL.');
  }
}

export const MAX_URL_LENGTH = 2048;
export const MAX_TITLE_LENGTH = 512;
export const MAX_DESCRIPTION_LENGTH = 4096;
export const MAX_TAGS = 100;
export const MAX_TAG_LENGTH = 64;
/** The longest regex a listing filter takes (shared/links/filter.ts). */
export const MAX_REGEX_LENGTH = 256;

export { normalizeUrl } from './url.ts';

/**
 * Characters a URL may not carry anywhere, even where the WHATWG parser would quietly drop, encode or reinterpret
 * them: C0 controls and DEL (a tab or newline vanishes inside a URL), any whitespace, and backslashes (read as
 * `/` in http URLs). A URL that holds them is refused (400) rather than stored in a form other tools read
 * differently.
 */
const URL_FORBIDDEN: { holds: (url: string) => boolean; message: string }[] = [
  {
    holds: (url) => [...url].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f),
    message: 'must not contain control characters',
  },
  { holds: (url) => /\s/.test(url), message: 'must not contain whitespace' },
  { holds: (url) => url.includes('\\'), message: 'must not contain backslashes' },
];

/** What the OpenAPI document says of a URL beside its description. */
const URL_DOCUMENTED = {
  // Leading and trailing whitespace is trimmed before the checks; the document states the rest.
  pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s\\\\\\x00-\\x1f\\x7f]+$',
  example: 'https://golang.org/',
};

/**
 * A link's URL: leading and trailing whitespace trimmed, then refused if it holds a forbidden character or is not
 * an absolute http or https URL, and stored as the WHATWG URL parser serializes it (`new URL(url).href`), so
 * every reader of the stored URL sees the same URL the service checked.
 */
export const urlSchema = z.meta(
  z.pipe(
    z.pipe(
      z.string().check(
        z.trim(),
        z.minLength(1, 'url is required'),
        z.maxLength(MAX_URL_LENGTH, `at most ${MAX_URL_LENGTH} characters`),
        z.superRefine((value: string, context) => {
          const forbidden = URL_FORBIDDEN.find(({ holds }) => holds(value));
          if (forbidden) context.addIssue({ code: 'custom', message: forbidden.message, input: value });
        }),
        z.refine((value: string) => {
          if (!URL.canParse(value)) return false;
          const { protocol, hostname } = new URL(value);
          return (protocol === 'http:' || protocol === 'https:') && hostname.length > 0;
        }, 'must be an absolute http or https URL'),
      ),
      z.transform((value: string) => new URL(value).href),
    ),
    z
      .string()
      .check(z.maxLength(MAX_URL_LENGTH, `at most ${MAX_URL_LENGTH} characters once percent-encoded`)),
  ),
  {
    description:
      'An absolute http or https URL, without control characters, whitespace or backslashes; stored as the ' +
      'WHATWG URL parser serializes it.',
    ...URL_DOCUMENTED,
  },
);

/**
 * The URL of a link being saved (added or imported): as `urlSchema`, and without a user name or password
 * (`https://user:secret@host/`). A link's URL is shown to whoever may see the link (followers' news, the public
 * pages and feeds), so credentials in it would be published with it. Finding a saved link by its URL (update,
 * delete, snapshot) takes any URL `urlSchema` takes, so a link saved before this rule can still be managed.
 */
export const newLinkUrlSchema = z.meta(
  z.pipe(
    urlSchema,
    z
      .string()
      .check(
        z.refine(
          (value: string) => !hasCredentials(value),
          'must not contain a user name or password (user:password@): they would be shown with the link',
        ),
      ),
  ),
  {
    description:
      'An absolute http or https URL, without control characters, whitespace, backslashes, or a user name or ' +
      'password; stored as the WHATWG URL parser serializes it.',
    ...URL_DOCUMENTED,
  },
);

/** Whether a URL the parser takes carries a user name or password. */
export function hasCredentials(url: string): boolean {
  const { username, password } = new URL(url);
  return username !== '' || password !== '';
}

/** The URL without its user name and password, to quote a refused one without repeating its secret. */
export function withoutCredentials(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

const tagSchema = z.pipe(
  z.pipe(
    z.string(),
    z.transform((tag: string) => tag.trim().toLowerCase()),
  ),
  z
    .string()
    .check(
      z.minLength(1, 'a tag has at least one character'),
      z.maxLength(MAX_TAG_LENGTH, `a tag has at most ${MAX_TAG_LENGTH} characters`),
      z.regex(/^[^\s,]+$/, 'a tag has no whitespace or commas'),
    ),
);

/** Tags as a client sends them: a list, or one string. */
const tagsSent = z.union([
  // The document states the rules of each tag; the pipe below checks them once trimmed and lower-cased.
  z.meta(z.array(z.meta(z.string(), { minLength: 1, maxLength: MAX_TAG_LENGTH, pattern: '^[^\\s,]+$' })), {
    maxItems: MAX_TAGS,
  }),
  z.string(),
]);

/** The tags sent as a list, each checked once trimmed and lower-cased. */
const tagList = z.pipe(
  z.pipe(
    tagsSent,
    z.transform((value: string | string[]) =>
      typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value,
    ),
  ),
  z.array(tagSchema),
);

/**
 * Tags as a list, or as one string separated by commas or spaces (what the original's clients send).
 * The result is lower-cased, unique and sorted.
 */
export const tagsSchema = z.meta(
  z.pipe(
    z.pipe(
      tagList,
      z.transform((tags: string[]) => [...new Set(tags)].sort()),
    ),
    z.array(z.string()).check(z.maxLength(MAX_TAGS, `at most ${MAX_TAGS} tags`)),
  ),
  {
    description:
      `A list of tags, or one string of tags separated by commas or spaces: at most ${MAX_TAGS}, each 1 to ` +
      `${MAX_TAG_LENGTH} characters without whitespace or commas; lower-cased, unique, sorted.`,
    example: ['go', 'k8s'],
  },
);

const flagWord = z.enum(['true', 'false', '1', '0', 'on', 'off']);
/** A JSON boolean, or the words a form sends for one. */
export const flagSchema = z.union(
  [
    z.boolean(),
    z.pipe(
      flagWord,
      z.transform((word: z.output<typeof flagWord>) => ['true', '1', 'on'].includes(word)),
    ),
  ],
  { error: 'true or false (from a form or query string also 1, 0, on or off)' },
);

/**
 * Titles and descriptions are kept without leading and trailing whitespace, as a bookmark file's reader (ours
 * and every other service's) reads them back: an exported link then imports as it was, and a title of spaces is
 * empty, for the link checker to fill.
 */
export const titleSchema = z.meta(
  z.string().check(z.trim(), z.maxLength(MAX_TITLE_LENGTH, `at most ${MAX_TITLE_LENGTH} characters`)),
  { description: 'Leading and trailing whitespace is dropped; empty lets the link checker fill it.' },
);
export const descriptionSchema = z.meta(
  z
    .string()
    .check(z.trim(), z.maxLength(MAX_DESCRIPTION_LENGTH, `at most ${MAX_DESCRIPTION_LENGTH} characters`)),
  { description: 'Leading and trailing whitespace is dropped.' },
);

export function mergeTags(current: string[], add: string[], remove: string[]): string[] {
  const removed = new Set(remove);
  return [...new Set([...current, ...add])].filter((tag) => !removed.has(tag)).sort();
}
