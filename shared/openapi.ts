import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import {
  addLinkRequest,
  deleteLinkRequest,
  linkEnvelope,
  linkListing,
  listLinksQuery,
  tagListing,
  updateLinkRequest,
} from './links/schemas.ts';
import { devLoginRequest, tokenResponse } from './users/schemas.ts';
import type { FunctionName, RouteDeclaration } from './wiring.ts';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. Each function's
 * operation is described once here; the paths come from the wiring, so every route is documented.
 */

const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'invalid_request' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const bodyOf = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema } },
});
const failure = (description: string) => ({ description, ...json(errorBody) });

const commonFailures = {
  '400': failure('Invalid input; `details` names each field.'),
  '401': failure('Missing, unknown, expired or revoked access token.'),
  '413': failure('Body over 64 KiB.'),
  '415': failure('Body neither JSON nor form.'),
  '503': failure('A dependency is unavailable.'),
};

const operations: Record<FunctionName, ZodOpenApiOperationObject> = {
  healthz: {
    summary: 'Liveness and version',
    responses: {
      '200': {
        description: 'Up',
        ...json(z.object({ status: z.literal('ok'), version: z.string() })),
      },
    },
  },
  openapi: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document' } } },
  docs: {
    summary: 'A page that renders this document',
    responses: { '200': { description: 'HTML', content: { 'text/html': {} } } },
  },
  notFound: { summary: 'Unmatched requests', responses: { '404': failure('No such route') } },
  devLogin: {
    summary: 'Issue a token without GitHub (local runtime only)',
    requestBody: bodyOf(devLoginRequest),
    responses: {
      '200': { description: 'Token issued', ...json(tokenResponse) },
      '400': commonFailures['400'],
    },
  },
  logout: {
    summary: 'Revoke the presented access token',
    responses: { '204': { description: 'Revoked' }, '401': commonFailures['401'] },
  },
  listLinks: {
    summary: "The caller's links, newest first",
    requestParams: { query: listLinksQuery },
    responses: { '200': { description: 'A page of links', ...json(linkListing) }, ...commonFailures },
  },
  addLink: {
    summary: 'Add a link',
    description: 'Fields may also come from the query string, for the original clients.',
    requestBody: bodyOf(addLinkRequest),
    responses: {
      '201': { description: 'Added', ...json(linkEnvelope) },
      ...commonFailures,
      '403': failure('The caller already has MAX_LINKS_PER_USER links.'),
      '409': {
        description: 'Duplicate URL; the body carries the existing `link` beside the error.',
        ...json(errorBody.extend({ link: linkEnvelope.shape.link })),
      },
    },
  },
  updateLink: {
    summary: 'Change the given fields of a link',
    requestBody: bodyOf(updateLinkRequest),
    responses: {
      '200': { description: 'Updated', ...json(linkEnvelope) },
      ...commonFailures,
      '404': failure('No such link'),
    },
  },
  deleteLink: {
    summary: 'Delete a link',
    description: 'The url comes from the query string or the body.',
    requestParams: { query: deleteLinkRequest.partial() },
    responses: { '204': { description: 'Deleted' }, ...commonFailures, '404': failure('No such link') },
  },
  listTags: {
    summary: "The caller's tags with their link counts",
    responses: { '200': { description: 'Tags', ...json(tagListing) }, '401': commonFailures['401'] },
  },
};

export function openApiDocument(
  routes: RouteDeclaration[],
  version: string,
): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const operation: ZodOpenApiOperationObject = {
      operationId: `${route.method}${route.path}`.toLowerCase().replace(/[^a-z0-9]+/g, '_'),
      ...operations[route.function],
      ...(route.auth ? { security: [{ bearer: [] }, { accessTokenHeader: [] }] } : {}),
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Delinkcious',
      version,
      description: 'Social bookmarking: your links, the people you follow, and what they bookmark.',
    },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        accessTokenHeader: { type: 'apiKey', in: 'header', name: 'Access-Token' },
      },
    },
  });
}
