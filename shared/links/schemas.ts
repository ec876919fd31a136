import * as z from '../zod.ts';
import { AlreadyExists } from '../errors.ts';
import { limitSchema, startTokenSchema } from '../http/paging.ts';
import {
  DuplicateLink,
  MAX_REGEX_LENGTH,
  descriptionSchema,
  flagSchema,
  tagsSchema,
  titleSchema,
  linkSchema,
  newLinkUrlSchema,
  urlSchema,
  type Link,
} from './model.ts';

/** The schemas of the links API: they validate requests and generate the OpenAPI document. */

/** The contract's Link: the domain's Link without what only the service keeps. */
export const linkResponseSchema = z.meta(
  z.omit(linkSchema, {
    username: true,
    check_reason: true,
    published_at: true,
    version: true,
    imported_by: true,
    correlation_id: true,
  }),
  { id: 'Link' },
);

export type LinkResponse = z.infer<typeof linkResponseSchema>;

/** A link as the contract shows it: the response schema's fields of it, in the schema's order. */
export function toLinkResponse(link: Link): LinkResponse {
  return linkResponseSchema.parse(link);
}
/**
 * A duplicate as the contract answers it: the caller's link with that URL beside the error
 * (`{"error": ..., "link": ...}`). Other errors pass as they are.
 */
export function withExistingLink(error: unknown): never {
  if (error instanceof DuplicateLink) {
    throw new AlreadyExists(error.message, { link: toLinkResponse(error.link) });
  }
  throw error;
}

export const addLinkRequest = z.meta(
  z.strictObject({
    url: newLinkUrlSchema,
    title: z._default(titleSchema, ''),
    description: z._default(descriptionSchema, ''),
    tags: z._default(tagsSchema, []),
    private: z._default(flagSchema, false),
  }),
  { id: 'AddLinkRequest' },
);

export const updateLinkRequest = z.meta(
  z.strictObject({
    url: urlSchema,
    title: z.optional(titleSchema),
    description: z.optional(descriptionSchema),
    add_tags: z.optional(tagsSchema),
    remove_tags: z.optional(tagsSchema),
    private: z.optional(flagSchema),
  }),
  { id: 'UpdateLinkRequest' },
);

export const deleteLinkRequest = z.meta(z.strictObject({ url: urlSchema }), { id: 'DeleteLinkRequest' });

const regexParameter = (field: string) =>
  z.meta(z.optional(z.string()), {
    maxLength: MAX_REGEX_LENGTH,
    description:
      `Unanchored RE2 regular expression matched against the ${field}, at most ${MAX_REGEX_LENGTH} characters, counted ` +
      'repetitions at most 100 (nested ones multiplied), at most 300 RE2 instructions once compiled.',
  });

/** `q`: the search query language of the contract (shared/search/query.ts). */
const searchParameter = z.meta(z.optional(z.string()), {
  maxLength: 512,
  description:
    'A search query: words (the last also as a prefix), "phrases", -word, a OR b, tag:go or #go, -tag:go, ' +
    'site:example.com, is:private|public|valid|invalid|pending, after:/before:YYYY-MM-DD. With words, best ' +
    'match first; else newest first. A malformed query is a 400 naming the offset of the problem.',
});

export const listLinksQuery = z.object({
  q: searchParameter,
  url_regex: regexParameter('url'),
  title_regex: regexParameter('title'),
  description_regex: regexParameter('description'),
  tag: z.meta(z.optional(z.string()), { description: 'An exact tag.' }),
  start_token: startTokenSchema,
  limit: limitSchema,
});

/** The public listing's query: a tag and the page; the regex filters are the owner's alone. */
export const publicLinksQuery = z.object({
  q: searchParameter,
  tag: z.meta(z.optional(z.string()), { description: 'An exact tag.' }),
  start_token: startTokenSchema,
  limit: limitSchema,
});

export const linkEnvelope = z.meta(z.object({ link: linkResponseSchema }), { id: 'LinkEnvelope' });

export const linkListing = z.meta(
  z.object({ links: z.array(linkResponseSchema), next_token: z.nullable(z.string()) }),
  { id: 'LinkListing' },
);

export const tagListing = z.meta(
  z.object({ tags: z.array(z.object({ name: z.string(), count: z.number().check(z.int()) })) }),
  { id: 'TagListing' },
);

export const exportQuery = z.object({
  format: z.meta(z._default(z.enum(['netscape', 'json']), 'netscape'), {
    description: '`netscape`: the bookmark file browsers import (HTML); `json`: `{"links": [Link...]}`.',
  }),
  delivery: z.meta(z._default(z.enum(['file', 'url']), 'file'), {
    description:
      '`file`: the file itself (a 302 to its download past about 5 MB); `url`: always a 200 ' +
      '`{"download_url", "expires_in_seconds"}` to open, for a browser page that sends its token as a header ' +
      'and so cannot follow the 302 into a download.',
  }),
});
