import * as z from 'zod';
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
  urlSchema,
  type Link,
} from './model.ts';

/** The schemas of the links API: they validate requests and generate the OpenAPI document. */

/** The contract's Link: the domain's Link without what only the service keeps. */
export const linkResponseSchema = linkSchema
  .omit({
    username: true,
    check_reason: true,
    published_at: true,
    version: true,
    imported_by: true,
    correlation_id: true,
  })
  .meta({ id: 'Link' });

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

export const addLinkRequest = z
  .object({
    url: urlSchema,
    title: titleSchema.default(''),
    description: descriptionSchema.default(''),
    tags: tagsSchema.default([]),
    private: flagSchema.default(false),
  })
  .meta({ id: 'AddLinkRequest' });

export const updateLinkRequest = z
  .object({
    url: urlSchema,
    title: titleSchema.optional(),
    description: descriptionSchema.optional(),
    add_tags: tagsSchema.optional(),
    remove_tags: tagsSchema.optional(),
    private: flagSchema.optional(),
  })
  .meta({ id: 'UpdateLinkRequest' });

export const deleteLinkRequest = z.object({ url: urlSchema }).meta({ id: 'DeleteLinkRequest' });

const regexParameter = (field: string) =>
  z
    .string()
    .optional()
    .meta({
      maxLength: MAX_REGEX_LENGTH,
      description:
        `Unanchored RE2 regular expression matched against the ${field}, at most ${MAX_REGEX_LENGTH} characters, counted ` +
        'repetitions at most 100 (nested ones multiplied), at most 300 RE2 instructions once compiled.',
    });

/** `q`: the search query language of the contract (shared/search/query.ts). */
const searchParameter = z
  .string()
  .optional()
  .meta({
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
  tag: z.string().optional().meta({ description: 'An exact tag.' }),
  start_token: startTokenSchema,
  limit: limitSchema,
});

/** The public listing's query: a tag and the page; the regex filters are the owner's alone. */
export const publicLinksQuery = z.object({
  q: searchParameter,
  tag: z.string().optional().meta({ description: 'An exact tag.' }),
  start_token: startTokenSchema,
  limit: limitSchema,
});

export const linkEnvelope = z.object({ link: linkResponseSchema }).meta({ id: 'LinkEnvelope' });

export const linkListing = z
  .object({ links: z.array(linkResponseSchema), next_token: z.string().nullable() })
  .meta({ id: 'LinkListing' });

export const tagListing = z
  .object({ tags: z.array(z.object({ name: z.string(), count: z.number().int() })) })
  .meta({ id: 'TagListing' });

export const exportQuery = z.object({
  format: z.enum(['netscape', 'json']).default('netscape').meta({
    description: '`netscape`: the bookmark file browsers import (HTML); `json`: `{"links": [Link...]}`.',
  }),
  delivery: z
    .enum(['file', 'url'])
    .default('file')
    .meta({
      description:
        '`file`: the file itself (a 302 to its download past about 5 MB); `url`: always a 200 ' +
        '`{"download_url", "expires_in_seconds"}` to open, for a browser page that sends its token as a header ' +
        'and so cannot follow the 302 into a download.',
    }),
});
