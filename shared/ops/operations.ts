import * as z from 'zod';
import { answer, json, type Operations } from '../http/openapi-operation.ts';

/** The OpenAPI descriptions of the service's own routes: its health and its documentation. */
export const opsOperations = {
  healthz: {
    summary: 'Liveness and version',
    description: 'Answers 200 while the service is up; needs no token, even a revoked one is ignored.',
    responses: {
      '200': answer('Up', {
        content: json(
          z
            .object({
              status: z.literal('ok'),
              version: z.string().meta({ description: 'The deployed version.' }),
            })
            .meta({ id: 'Health' }),
        ),
      }),
    },
  },
  openapi: {
    summary: 'This document',
    description: 'The OpenAPI 3.1 document of every route that this deployment serves.',
    responses: {
      '200': answer('The OpenAPI 3.1 document', {
        content: json(
          z.object({ openapi: z.string() }).loose().meta({ description: 'An OpenAPI 3.1 document.' }),
        ),
        headers: { 'Cache-Control': z.string().meta({ example: 'public, max-age=300' }) },
      }),
    },
  },
  docs: {
    summary: 'A page that renders this document',
    description:
      'An HTML page with everything inline: it loads nothing but `openapi.json` from this service.',
    responses: {
      '200': answer('The page', {
        content: { 'text/html': { schema: z.string() } },
        headers: {
          'Content-Security-Policy': z.string().meta({
            description:
              "Only the page's own inline script and style (by hash), and requests to this service.",
          }),
          'X-Frame-Options': z.literal('DENY'),
        },
      }),
    },
  },
} satisfies Operations<'ops'>;
