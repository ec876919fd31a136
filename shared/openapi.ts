import * as z from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { checkerOperations } from './checker/operations.ts';
import { CSRF_HEADER, SESSION_COOKIES } from './http/browser-session.ts';
import {
  IDEMPOTENCY_KEY_HEADER_NAME,
  IDEMPOTENCY_KEY_PATTERN,
  IDEMPOTENCY_WINDOW_SECONDS,
  REPLAYED_HEADER_NAME,
} from './http/idempotency-key.ts';
import {
  FOREIGN_ORIGIN,
  errorBody,
  failure,
  json,
  type DescribedOperation,
  type Operations,
} from './http/openapi-operation.ts';
import { MAX_BODY_BYTES } from './http/request.ts';
import { importOperations } from './imports/operations.ts';
import { importPath } from './imports/schemas.ts';
import { linkOperations } from './links/operations.ts';
import { newsOperations } from './news/operations.ts';
import { opsOperations } from './ops/operations.ts';
import { socialOperations } from './social/operations.ts';
import { userPath } from './users/schemas/profiles.ts';
import { tokenPath } from './users/schemas/tokens.ts';
import { userOperations } from './users/operations.ts';
import {
  functions,
  needsToken,
  type ContextName,
  type FunctionName,
  type RouteAccess,
  type RouteDeclaration,
} from './wiring.ts';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests and from the wiring's
 * routes. Each function's operation is described once, beside its context's schemas
 * (shared/<context>/operations.ts, built with shared/http/openapi-operation.ts); what every route shares is
 * added here from the route declaration: its path parameters, its security, its tag (the function's context),
 * the failures that any request can meet (bad input, body limits, the rate limit, a dependency down; 401 where
 * a token is needed) and the headers that every response carries.
 */

/** The Retry-After header of a refusal that passes (409 of a retry in progress, 503 of an index being rebuilt). */
const retryAfter = z.number().int().min(1).meta({ description: 'Seconds to wait before trying again.' });

/** Failures any route can answer; each is a component, referenced by every operation. */
const commonFailures = {
  '400': {
    ...failure('Invalid input: `details` names each field. Also a body that is not valid JSON.'),
    id: 'InvalidRequest',
  },
  '401': {
    ...failure('Missing, unknown, expired or revoked access token (`unauthorized`).', {
      'WWW-Authenticate': z.literal('Bearer').meta({
        description: 'How to authenticate: a bearer token.',
        header: { id: 'WwwAuthenticate' },
      }),
    }),
    id: 'Unauthorized',
  },
  '413': {
    ...failure(`A body over ${MAX_BODY_BYTES / 1024} KiB (\`payload_too_large\`).`),
    id: 'PayloadTooLarge',
  },
  '415': {
    ...failure(
      'A body that is neither `application/json` nor `application/x-www-form-urlencoded` (`unsupported_media_type`).',
    ),
    id: 'UnsupportedMediaType',
  },
  '431': {
    ...failure(
      "The request line and headers are over the server's limit (`request_header_fields_too_large`).",
    ),
    id: 'RequestHeaderFieldsTooLarge',
  },
  '429': {
    ...failure(
      'Over the rate limit (`rate_limited`): by default 12 requests per second per token (per client IP without ' +
        'one), bursts up to 80.',
      {
        'Retry-After': z
          .number()
          .int()
          .min(1)
          .meta({
            description: 'Seconds to wait before trying again.',
            header: { id: 'RetryAfter' },
          }),
      },
    ),
    id: 'RateLimited',
  },
  '503': {
    ...failure(
      'A dependency is down or throttling after retries (`unavailable`); try again shortly, or after ' +
        '`Retry-After` seconds when given (a search whose index is being rebuilt).',
      { 'Retry-After': retryAfter.optional() },
    ),
    id: 'Unavailable',
  },
} satisfies ZodOpenApiResponsesObject;

/**
 * What every POST adds (shared/http/idempotency.ts): the optional `Idempotency-Key`, the 422 of a key reused with
 * another request, the 409 of a retry while the first request is at work, and the header of a replayed answer.
 */
const idempotencyKey = z
  .string()
  .regex(IDEMPOTENCY_KEY_PATTERN)
  .optional()
  .meta({
    description:
      `Makes retries of this request safe: a retry with the same key and the same request (path, query and ` +
      `body) within ${IDEMPOTENCY_WINDOW_SECONDS / 3600} hours gets the first answer again, status, headers and body, with ` +
      `\`${REPLAYED_HEADER_NAME}: true\`, and changes nothing. 1 to 255 printable ASCII characters, unique per request ` +
      '(a UUID); keys are per user (per client IP on public routes) and per operation. Answers 5xx, 429 and 401 are ' +
      'not kept: a retry does the work again.',
    example: '2f1b6c1e-7d3a-4c1e-9f0a-1b2c3d4e5f60',
  });
const idempotencyKeyReused = {
  ...failure(
    'The `Idempotency-Key` was first sent with another request (`idempotency_key_reused`): use a new key.',
  ),
  id: 'IdempotencyKeyReused',
};
const IN_PROGRESS =
  'The first request with this `Idempotency-Key` is still being answered (`idempotency_key_in_progress`): ' +
  'retry after `Retry-After` seconds.';
const replayedHeader = {
  [REPLAYED_HEADER_NAME]: z
    .literal('true')
    .optional()
    .meta({ description: `A retry's answer: the first answer to this \`${IDEMPOTENCY_KEY_HEADER_NAME}\`.` }),
};

/** A POST's own responses with what idempotent retries add: the replay header on successes, the 409 and 422. */
function withIdempotentRetries(responses: ZodOpenApiResponsesObject): ZodOpenApiResponsesObject {
  const described = Object.fromEntries(
    Object.entries(responses).map(([status, response]) => {
      if (!status.startsWith('2') || !('headers' in response) || !(response.headers instanceof z.ZodObject)) {
        return [status, response];
      }
      return [status, { ...response, headers: response.headers.extend(replayedHeader) }];
    }),
  ) as ZodOpenApiResponsesObject;
  const own409 = responses['409'];
  let conflict = failure(IN_PROGRESS, { 'Retry-After': retryAfter });
  if (own409 && 'content' in own409) {
    const ownSchema = own409.content!['application/json']!.schema as z.core.$ZodType;
    conflict = {
      ...own409,
      description: `${own409.description} Or: ${IN_PROGRESS}`,
      headers: (own409.headers as z.ZodObject).extend({ 'Retry-After': retryAfter.optional() }),
      // The operation's own conflict may carry more than the error (the existing link); the retry's does not.
      content: json(ownSchema === errorBody ? errorBody : z.union([ownSchema, errorBody])),
    };
  }
  return { ...described, '409': conflict, '422': idempotencyKeyReused };
}

/** Answers to requests that match no operation; every path answers them for the methods it does not list. */
const unmatchedRequests = {
  NotFound: { ...failure('No such route (`not_found`).'), id: 'NotFound' },
  MethodNotAllowed: {
    ...failure('A known path, another method (`method_not_allowed`).', {
      Allow: z.string().meta({
        description: 'The methods this path accepts, comma-separated.',
        example: 'GET, POST',
        header: { id: 'Allow' },
      }),
    }),
    id: 'MethodNotAllowed',
  },
};

/** The schema of each path parameter, by name: routes declare only `{name}` in their paths. */
const pathParameters: Record<string, z.core.$ZodType> = {
  username: userPath.shape.username,
  id: tokenPath.shape.id,
  import_id: importPath.shape.import_id,
  tag: z.string().min(1).meta({ description: 'An exact tag.', example: 'go' }),
  feed_file: z
    .string()
    .regex(/\.atom$/)
    .meta({
      description: 'A token of scope `feed`, then `.atom`.',
      example: 'dlk_feed_token.atom',
    }),
};

/**
 * Each context's descriptions of its HTTP functions; event-driven functions have none. A context's map can name
 * only that context's functions, so no function is described twice.
 */
export const contextOperations = {
  ops: opsOperations,
  users: userOperations,
  links: linkOperations,
  social: socialOperations,
  news: newsOperations,
  checker: checkerOperations,
  imports: importOperations,
} satisfies { [Context in ContextName]?: Operations<Context> };

const operations: Partial<Record<FunctionName, DescribedOperation>> = Object.assign(
  {},
  ...Object.values(contextOperations),
);

/** Tags: one per context, named by the folder of the function's module. */
const contextTags: Record<string, string> = {
  ops: 'Health and this document.',
  users: 'GitHub login, tokens and profiles.',
  links: "The caller's own bookmarks.",
  social: 'Whom the caller follows, and who follows them.',
  news: 'What the people the caller follows did to their public links.',
  checker: 'Link health and page snapshots.',
  imports: 'Bringing bookmarks in from a bookmark file.',
};

function tagOf(fn: FunctionName): string {
  const context = functions[fn].entry.split('/')[0]!;
  if (!(context in contextTags)) throw new Error(`No OpenAPI tag is described for the context ${context}`);
  return context;
}

function pathParametersOf(path: string): z.ZodObject | undefined {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
  if (names.length === 0) return undefined;
  return z.object(
    Object.fromEntries(
      names.map((name) => {
        const schema = pathParameters[name];
        if (!schema) throw new Error(`No schema is described for the path parameter {${name}}`);
        return [name, schema];
      }),
    ),
  );
}

/** The 403 of a token whose scope is narrower than what the route needs (scopes: feed < read < write < session). */
function insufficientScopeReason(access: RouteAccess): string {
  const who =
    access === 'session'
      ? 'a login session (personal tokens may not manage tokens)'
      : access === 'write'
        ? 'a `write` token or a login session'
        : 'a `read` or `write` token or a login session';
  return `The token's scope does not allow this route, which needs ${who} (\`insufficient_scope\`).`;
}

/** The 403 of a route that needs a token, if it has one: a narrower scope, a cookie from another origin. */
function forbiddenAnswer(route: RouteDeclaration) {
  const reasons = [
    ...(route.access !== 'feed' ? [insufficientScopeReason(route.access)] : []),
    ...(route.method !== 'GET' ? [FOREIGN_ORIGIN] : []),
  ];
  return reasons.length > 0 ? failure(reasons.join(' Or: ')) : undefined;
}

function operationFor(route: RouteDeclaration): ZodOpenApiOperationObject {
  const described = operations[route.function];
  if (!described) throw new Error(`No OpenAPI operation is described for ${route.function}`);
  const { summary, description, query, requestBody, responses } =
    typeof described === 'function' ? described(route) : described;
  const path = pathParametersOf(route.path);
  const header =
    route.method === 'POST' ? z.object({ [IDEMPOTENCY_KEY_HEADER_NAME]: idempotencyKey }) : undefined;
  const { '400': invalid, '401': unauthorized, ...rest } = commonFailures;
  const forbidden = needsToken(route) ? forbiddenAnswer(route) : undefined;
  return {
    operationId: `${route.method}${route.path}`.toLowerCase().replace(/[^a-z0-9]+/g, '_'),
    tags: [tagOf(route.function)],
    summary,
    description,
    ...(query || path || header
      ? {
          requestParams: {
            ...(query ? { query } : {}),
            ...(path ? { path } : {}),
            ...(header ? { header } : {}),
          },
        }
      : {}),
    ...(requestBody ? { requestBody } : {}),
    // Public routes say so: no token needed, whatever the document's default.
    security: needsToken(route) ? [{ bearer: [] }, { accessTokenHeader: [] }, { sessionCookie: [] }] : [],
    responses: {
      '400': invalid,
      ...(needsToken(route) ? { '401': unauthorized } : {}),
      // Any valid token may call a `feed` route; narrower tokens than the route's scope get a 403, and so does an
      // unsafe request signed in by the session cookie from another origin.
      ...(forbidden ? { '403': forbidden } : {}),
      ...rest,
      ...(route.method === 'POST' ? withIdempotentRetries(responses) : responses),
    },
  };
}

export function openApiDocument(
  routes: RouteDeclaration[],
  version: string,
): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationFor(route) };
  }
  const usedTags = new Set(routes.map((route) => tagOf(route.function)));
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Delinkcious',
      version,
      description:
        'Social bookmarking: your links, the people you follow, and what they bookmark. Every versioned route ' +
        'answers under `/v1` and `/v1.0` alike. Errors have one format (`Error`); a request for a path that ' +
        'does not exist is answered `NotFound`, and one with a method that its path does not list ' +
        '`MethodNotAllowed` (with `Allow`). Every GET but `GET /logout` answers HEAD too: the same status and ' +
        'headers (`ETag` included), without the body. A request body (or, where a route reads them, the query ' +
        'string fields beside it) holds only the fields its schema lists: any other is a 400 that names it, ' +
        'so that a misspelt field is never dropped without a word.',
    },
    servers: [{ url: '/', description: 'The service that serves this document.' }],
    tags: Object.entries(contextTags)
      .filter(([name]) => usedTags.has(name))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: {
      responses: unmatchedRequests,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: '`Authorization: Bearer <token>`' },
        accessTokenHeader: {
          type: 'apiKey',
          in: 'header',
          name: 'Access-Token',
          description: "The same token, as the original clients' `Access-Token` header.",
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIES.https,
          description:
            `A browser's login session, set at sign-in: \`${SESSION_COOKIES.https}\` over HTTPS, ` +
            `\`${SESSION_COOKIES.http}\` over http (the local runtime). Used only without a token header. ` +
            `Unsafe methods signed in by it need an \`Origin\` of this service, or \`${CSRF_HEADER}\` ` +
            'when the browser sends no `Origin`; else 403 `forbidden`.',
        },
      },
    },
  });
}
