import * as z from 'zod';
import type {
  ZodOpenApiHeadersObject,
  ZodOpenApiRequestBodyObject,
  ZodOpenApiResponseObject,
  ZodOpenApiResponsesObject,
} from 'zod-openapi';
import type { ContextName, RouteDeclaration, functionsByContext } from '../wiring.ts';

/**
 * The parts from which each context describes its HTTP operations for the OpenAPI document (in
 * shared/<context>/operations.ts): the error format, the headers of every response, and the shapes of
 * responses and request bodies. shared/openapi.ts assembles the document from these descriptions.
 */

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable, machine-readable.', example: 'invalid_request' }),
      message: z.string().meta({ description: 'For people; may change.' }),
      details: z
        .record(z.string(), z.unknown())
        .optional()
        .meta({ description: 'Per field, what is wrong with it.', example: { url: 'required' } }),
    }),
  })
  .meta({
    id: 'Error',
    description:
      'Every error has this format: never an HTML page, a stack trace, or a 200 with an error inside.',
  });

/** Headers that every response carries, success or failure. */
const everyResponseHeaders = {
  'x-request-id': z.string().meta({
    description: 'Names this request in the service logs; quote it when reporting a problem.',
    header: { id: 'RequestId' },
  }),
  'X-Content-Type-Options': z.literal('nosniff').meta({
    description: 'No browser may guess another content type than the one declared.',
    header: { id: 'NoSniff' },
  }),
};

/** A response object with the headers of every response, beside its own. */
export function answer(
  description: string,
  options: { content?: ZodOpenApiResponseObject['content']; headers?: Record<string, z.core.$ZodType> } = {},
): ZodOpenApiResponseObject {
  return {
    description,
    headers: z.object({ ...everyResponseHeaders, ...options.headers }) as ZodOpenApiHeadersObject,
    ...(options.content ? { content: options.content } : {}),
  };
}

export const json = (schema: z.core.$ZodType) => ({ 'application/json': { schema } });

/** The 403 of a request signed in by the session cookie that another origin sent (shared/http/browser-session.ts). */
export const FOREIGN_ORIGIN =
  "Signed in by the session cookie, but not sent by this service's own pages: its `Origin` is another, or it has " +
  'neither `Origin` nor `X-Requested-With` (`forbidden`).';

/** A response in the error format. */
export const failure = (description: string, headers?: Record<string, z.core.$ZodType>) =>
  answer(description, { content: json(errorBody), headers });

/** Request bodies come as JSON or as a form, with the same fields. */
export function bodyOf(
  schema: z.core.$ZodType,
  description?: string,
  required = true,
): ZodOpenApiRequestBodyObject {
  return {
    required,
    ...(description ? { description } : {}),
    content: { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema } },
  };
}

/** What an operation is and answers, besides what the builder adds from its route. */
export interface OperationDescription {
  summary: string;
  description: string;
  query?: z.core.$ZodObject;
  requestBody?: ZodOpenApiRequestBodyObject;
  /** The successes, and the failures particular to the operation; the common ones are added. */
  responses: ZodOpenApiResponsesObject;
}

/** A description, or one that depends on the route, for a function served under several paths. */
export type DescribedOperation = OperationDescription | ((route: RouteDeclaration) => OperationDescription);

/** The functions that the wiring places in a context. */
type FunctionsOf<Context extends ContextName> = Context extends keyof typeof functionsByContext
  ? (typeof functionsByContext)[Context][number]
  : never;

/**
 * A context's descriptions, keyed by function name: only its own functions, so that no function can be
 * described in two contexts. Event-driven functions have none.
 */
export type Operations<Context extends ContextName> = Partial<
  Record<FunctionsOf<Context>, DescribedOperation>
>;

/** The headers of a cacheable answer (HttpResponse `cacheable`), and its 304. */
export const cacheHeaders = {
  ETag: z.string().meta({ description: 'A strong tag of this body; send it back in `If-None-Match`.' }),
  'Cache-Control': z.string().meta({ example: 'public, no-cache' }),
};
export const notModified = answer('Unchanged since the `If-None-Match` tag: no body.', {
  headers: cacheHeaders,
});

/** An Atom 1.0 document (RFC 4287). */
export const atom = () => ({
  'application/atom+xml': { schema: z.string().meta({ description: 'An Atom 1.0 feed (RFC 4287).' }) },
});
