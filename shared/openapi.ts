import * as z from 'zod';
import {
  createDocument,
  type ZodOpenApiHeadersObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiRequestBodyObject,
  type ZodOpenApiResponseObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import {
  addLinkRequest,
  deleteLinkRequest,
  linkEnvelope,
  linkListing,
  linkSchema,
  listLinksQuery,
  tagListing,
  updateLinkRequest,
} from './links/schemas.ts';
import { newsPage } from './news/schemas.ts';
import { recheckReport, recheckRequest, snapshotQuery } from './checker/schemas.ts';
import { MAX_BODY_BYTES } from './http/request.ts';
import { timestampSchema } from './http/schemas.ts';
import { pageQuery } from './http/paging.ts';
import { followListing, followRequest, unfollowQuery } from './social/schemas.ts';
import {
  deleteAccountRequest,
  deletionResponse,
  devLoginRequest,
  loginCallbackQuery,
  ownProfile,
  publicProfile,
  publicUsernameSchema,
  tokenResponse,
  userPath,
} from './users/schemas.ts';
import { functions, type FunctionName, type RouteDeclaration } from './wiring.ts';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests and from the wiring's
 * routes. Each function's operation is described once here; what every route shares is added from the route
 * declaration: its path parameters, its security, its tag (the function's context), the failures that any
 * request can meet (bad input, body limits, the rate limit, a dependency down; 401 where a token is needed) and
 * the headers that every response carries.
 */

const errorBody = z
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
function answer(
  description: string,
  options: { content?: ZodOpenApiResponseObject['content']; headers?: Record<string, z.ZodType> } = {},
): ZodOpenApiResponseObject {
  return {
    description,
    headers: z.object({ ...everyResponseHeaders, ...options.headers }) as ZodOpenApiHeadersObject,
    ...(options.content ? { content: options.content } : {}),
  };
}

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const failure = (description: string, headers?: Record<string, z.ZodType>) =>
  answer(description, { content: json(errorBody), headers });

/** Request bodies come as JSON or as a form, with the same fields. */
function bodyOf(schema: z.ZodType, description?: string, required = true): ZodOpenApiRequestBodyObject {
  return {
    required,
    ...(description ? { description } : {}),
    content: { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema } },
  };
}

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
    ...failure('A dependency is down or throttling after retries (`unavailable`); try again shortly.'),
    id: 'Unavailable',
  },
} satisfies ZodOpenApiResponsesObject;

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
const pathParameters: Record<string, z.ZodType> = { username: userPath.shape.username };

/** What an operation is and answers, besides what the builder adds from its route. */
interface OperationDescription {
  summary: string;
  description: string;
  query?: z.ZodObject;
  requestBody?: ZodOpenApiRequestBodyObject;
  /** The successes, and the failures particular to the operation; the common ones are added. */
  responses: ZodOpenApiResponsesObject;
}

type DescribedFunction = (route: RouteDeclaration) => OperationDescription;

/** One description per function that serves HTTP; event-driven functions have none. */
const operations: Partial<Record<FunctionName, OperationDescription | DescribedFunction>> = {
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
  devLogin: {
    summary: 'Issue a token without GitHub (local runtime only)',
    description:
      'Registers the user on first use and issues an access token, with no GitHub app and no network. ' +
      'It does not exist on a deployed stack.',
    requestBody: bodyOf(devLoginRequest),
    responses: { '200': answer('Token issued', { content: json(tokenResponse) }) },
  },
  logout: {
    summary: 'Revoke the presented access token',
    description:
      'The token is dead at once: the same token then gets 401. `GET` works too, for the original clients.',
    responses: { '204': answer('Revoked') },
  },
  login: {
    summary: 'Log in with GitHub',
    description:
      "Redirects to GitHub's authorize page (scopes `read:user user:email`) with a fresh random `state`, also set " +
      'in the HttpOnly, SameSite=Lax cookie `delinkcious_oauth_state` (Secure on HTTPS) for 10 minutes.',
    responses: {
      '302': answer("To GitHub's authorize page", {
        headers: {
          Location: z.string().meta({ description: "GitHub's authorize URL, with the state." }),
          'Set-Cookie': z.string().meta({ description: 'The state cookie.' }),
          'Cache-Control': z.literal('no-store'),
        },
      }),
      '503': failure('GitHub login is not configured here (locally, the message points to POST /dev/login).'),
    },
  },
  loginCallback: {
    summary: "GitHub's redirect back: issue an access token",
    description:
      'The `state` must equal the state cookie and be unused and under 10 minutes old. The code is exchanged, ' +
      "GitHub's user and primary verified email are read, the user is registered on first login (username: the " +
      "GitHub login, lower-cased; GitHub's numeric id keeps a renamed account the same user) and a token is issued. " +
      'With `Accept: text/html`, the same facts come as a page. When the user declines, GitHub sends `error` ' +
      'instead of `code`: that request is answered 401.',
    query: loginCallbackQuery,
    responses: {
      '200': answer('Logged in', {
        content: {
          'application/json': { schema: tokenResponse },
          'text/html': { schema: z.string().meta({ description: 'A page showing the token' }) },
        },
        headers: {
          'Set-Cookie': z.string().meta({ description: 'Clears the state cookie.' }),
          'Cache-Control': z.literal('no-store'),
        },
      }),
      '400': failure('Missing, mismatched, unknown, expired or reused state; or neither `code` nor `error`.'),
      '401': failure('Declined on GitHub, a bad or expired code, or no verified primary email.', {
        'WWW-Authenticate': z.literal('Bearer'),
      }),
      '409': failure('The username belongs to another GitHub account (one that had this login before).'),
      '503': failure('GitHub is down or not configured here.'),
    },
  },
  me: {
    summary: "The caller's profile, with the email and the counts",
    description: "`links_count` counts all the caller's links, private ones included.",
    responses: { '200': answer('The profile', { content: json(ownProfile) }) },
  },
  deleteAccount: {
    summary: "Delete the caller's account and everything of it",
    description:
      "Confirmed with the caller's own username. The account is gone for everybody at once (its profile is 404, " +
      'nobody can follow it) and its sessions and tokens are dead; then, asynchronously (seconds, a few minutes ' +
      "for tens of thousands of links), its follows both ways (the others' counts corrected), its events in " +
      "others' news, its links, snapshots and own news, and its GitHub sign-in go. Signing in again with the " +
      'same GitHub account afterwards creates a new, empty account.',
    requestBody: bodyOf(deleteAccountRequest),
    responses: {
      '202': answer('Deleting', { content: json(deletionResponse) }),
    },
  },
  getUser: {
    summary: "A user's public profile, with the counts",
    description: 'Any user, by username; `links_count` counts public links only. No email.',
    responses: {
      '200': answer('The profile', { content: json(publicProfile) }),
      '404': failure('No such user'),
    },
  },
  listLinks: {
    summary: "The caller's links, newest first",
    description:
      'With filters, one request examines at most 1,000 links and spends at most about 150 ms matching ' +
      'regexes; it then answers the matches found so far with a `next_token` that continues after the last ' +
      'link examined. Such a page may hold fewer links than `limit`, even none, and still carry a `next_token`: ' +
      'follow it until it is `null`, and every match comes exactly once. A regex whose counted repetitions ' +
      'exceed 100 (`{n,m}`, nested counts multiplied) or that compiles to more than 300 RE2 instructions is a ' +
      '400 naming the field.',
    query: listLinksQuery,
    responses: { '200': answer('A page of links', { content: json(linkListing) }) },
  },
  addLink: {
    summary: 'Add a link',
    description:
      'The link starts `pending`; the link checker then sets its status and, if empty, its title. Fields may ' +
      'also come from the query string, for the original clients (the body wins).',
    requestBody: bodyOf(addLinkRequest),
    responses: {
      '201': answer('Added', { content: json(linkEnvelope) }),
      '403': failure('The caller already has MAX_LINKS_PER_USER links (`link_limit_reached`).'),
      '409': answer(
        'Duplicate URL (`already_exists`); the body carries the existing `link` beside the error.',
        {
          content: json(errorBody.extend({ link: linkSchema }).meta({ id: 'DuplicateLink' })),
        },
      ),
    },
  },
  updateLink: {
    summary: 'Change the given fields of a link',
    description:
      'Only the fields given change; `updated_at` moves. Fields may also come from the query string, for the ' +
      'original clients (the body wins). `PUT` and `PATCH` do the same.',
    requestBody: bodyOf(updateLinkRequest),
    responses: {
      '200': answer('Updated', { content: json(linkEnvelope) }),
      '404': failure('No such link'),
    },
  },
  deleteLink: {
    summary: 'Delete a link',
    description:
      'The url comes from the query string or, for the original clients, from the body (the body wins).',
    query: deleteLinkRequest,
    requestBody: bodyOf(deleteLinkRequest, 'The url, instead of the query string.', false),
    responses: { '204': answer('Deleted'), '404': failure('No such link') },
  },
  listTags: {
    summary: "The caller's tags with their link counts",
    description: "Every tag on any of the caller's links, with how many links carry it.",
    responses: { '200': answer('Tags', { content: json(tagListing) }) },
  },
  follow: {
    summary: 'Follow a user',
    description:
      "The name comes as `username`, or as the original clients' `followed`. Their recent public link events " +
      'then come into the news.',
    requestBody: bodyOf(followRequest),
    responses: {
      '201': answer('Following', {
        content: json(
          z.object({ username: publicUsernameSchema, since: timestampSchema }).meta({ id: 'Follow' }),
        ),
      }),
      '404': failure('No such user'),
      '409': failure('Already following (`already_following`)'),
    },
  },
  unfollow: (route) => ({
    summary: 'Stop following a user',
    description: route.path.includes('{username}')
      ? 'Their events stop appearing in the news.'
      : "The name comes as `?username=`, or in the original clients' body as `followed` (or `username`); " +
        'the body wins. Their events stop appearing in the news.',
    ...(route.path.includes('{username}')
      ? {}
      : {
          query: unfollowQuery,
          requestBody: bodyOf(followRequest, 'The name, instead of the query string.', false),
        }),
    responses: { '204': answer('Unfollowed'), '404': failure('Not following') },
  }),
  listFollowing: {
    summary: 'Whom the caller follows, newest first',
    description: 'Each user with when the caller followed them; page with `next_token`.',
    query: pageQuery,
    responses: { '200': answer('A page of users', { content: json(followListing) }) },
  },
  listFollowers: {
    summary: 'Who follows the caller, newest first',
    description: 'Each user with when they followed the caller; page with `next_token`.',
    query: pageQuery,
    responses: { '200': answer('A page of users', { content: json(followListing) }) },
  },
  getNews: {
    summary: 'What the people the caller follows did to their public links, newest first',
    description:
      'Delivery is asynchronous, yet each event appears once. Private links never appear; entries expire after ' +
      '90 days.',
    query: pageQuery,
    responses: { '200': answer('A page of events', { content: json(newsPage) }) },
  },
  getSnapshot: {
    summary: "Download the latest page snapshot of one of the caller's links",
    description:
      "The link checker keeps a snapshot of a link's page (HTML, as fetched on its first check). The answer is a " +
      'redirect to a presigned download URL valid for 5 minutes; the object is gzip-encoded HTML ' +
      "(`Content-Encoding: gzip`, the page's own `Content-Type`), served as a download " +
      '(`Content-Disposition: attachment; filename="snapshot-<fetch time>.html"`): a browser saves it and never ' +
      'renders the untrusted page.',
    query: snapshotQuery,
    responses: {
      '302': answer('To a download URL valid for 5 minutes', {
        headers: { Location: z.string(), 'Cache-Control': z.literal('no-store') },
      }),
      '404': failure('No such link, or the link has no snapshot (yet)'),
    },
  },
  devRecheck: {
    summary: 'Fire the daily re-check of stale links by hand (local runtime only)',
    description:
      'Queues a check of every link not checked for `stale_after_seconds` (default 7 days; 0: every link), ' +
      "at most LINK_CHECKER_RECHECK_PER_USER per user, interleaved across users, as the deployed stack's daily " +
      'schedule does. `stale_after_seconds` may also come in the body.',
    query: recheckRequest,
    responses: { '200': answer('What was queued', { content: json(recheckReport) }) },
  },
};

/** Tags: one per context, named by the folder of the function's module. */
const contextTags: Record<string, string> = {
  ops: 'Health and this document.',
  users: 'GitHub login, tokens and profiles.',
  links: "The caller's own bookmarks.",
  social: 'Whom the caller follows, and who follows them.',
  news: 'What the people the caller follows did to their public links.',
  checker: 'Link health and page snapshots.',
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

function operationFor(route: RouteDeclaration): ZodOpenApiOperationObject {
  const described = operations[route.function];
  if (!described) throw new Error(`No OpenAPI operation is described for ${route.function}`);
  const { summary, description, query, requestBody, responses } =
    typeof described === 'function' ? described(route) : described;
  const path = pathParametersOf(route.path);
  const { '400': invalid, '401': unauthorized, ...rest } = commonFailures;
  return {
    operationId: `${route.method}${route.path}`.toLowerCase().replace(/[^a-z0-9]+/g, '_'),
    tags: [tagOf(route.function)],
    summary,
    description,
    ...(query || path ? { requestParams: { ...(query ? { query } : {}), ...(path ? { path } : {}) } } : {}),
    ...(requestBody ? { requestBody } : {}),
    // Public routes say so: no token needed, whatever the document's default.
    security: route.auth ? [{ bearer: [] }, { accessTokenHeader: [] }] : [],
    responses: {
      '400': invalid,
      ...(route.auth ? { '401': unauthorized } : {}),
      ...rest,
      ...responses,
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
        '`MethodNotAllowed` (with `Allow`).',
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
      },
    },
  });
}
