import * as z from 'zod';
import { timestampSchema } from '../http/schemas.ts';
import { limitSchema, startTokenSchema } from '../http/paging.ts';
import {
  MAX_REGEX_LENGTH,
  descriptionSchema,
  flagSchema,
  tagsSchema,
  titleSchema,
  urlSchema,
  type Link,
} from './model.ts';

/** The schemas of the links API: they validate requests and generate the OpenAPI document. */

export const linkSchema = z
  .object({
    url: z.string(),
    title: z.string(),
    description: z.string(),
    tags: z.array(z.string()).meta({ description: 'Lower-cased, unique, sorted.' }),
    private: z.boolean(),
    status: z.enum(['pending', 'valid', 'invalid']),
    http_status: z.number().int().nullable(),
    checked_at: timestampSchema.nullable(),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  })
  .meta({ id: 'Link' });

export type LinkResponse = z.infer<typeof linkSchema>;

export function toLinkResponse(link: Link): LinkResponse {
  return {
    url: link.url,
    title: link.title,
    description: link.description,
    tags: link.tags,
    private: link.private,
    status: link.status,
    http_status: link.httpStatus,
    checked_at: link.checkedAt,
    created_at: link.createdAt,
    updated_at: link.updatedAt,
  };
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

export const listLinksQuery = z.object({
  url_regex: regexParameter('url'),
  title_regex: regexParameter('title'),
  description_regex: regexParameter('description'),
  tag: z.string().optional().meta({ description: 'An exact tag.' }),
  start_token: startTokenSchema,
  limit: limitSchema,
});

export const linkEnvelope = z.object({ link: linkSchema }).meta({ id: 'LinkEnvelope' });

export const linkListing = z
  .object({ links: z.array(linkSchema), next_token: z.string().nullable() })
  .meta({ id: 'LinkListing' });

export const tagListing = z
  .object({ tags: z.array(z.object({ name: z.string(), count: z.number().int() })) })
  .meta({ id: 'TagListing' });
