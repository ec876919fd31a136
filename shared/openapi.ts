import * as z from 'zod';
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
import { newsPage } from './news/schemas.ts';
import { recheckReport, recheckRequest, snapshotQuery } from './checker/schemas.ts';
import { pageQuery } from './http/paging.ts';
import { followListing, followRequest } from './social/schemas.ts';
import {
  devLoginRequest,
  loginCallbackQuery,
  ownProfile,
  publicProfile,
  tokenResponse,
  userPath,
} from './users/schemas.ts';
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
  '429': {
    description:
      'Over the rate limit: 12 requests per second per token (per client IP without one), bursts up to 80.',
    headers: z.object({
      'Retry-After': z.number().int().min(1).meta({ description: 'Seconds to wait before trying again.' }),
    }),
    ...json(errorBody),
  },
};

/** One operation per function that serves HTTP; event-driven functions have none. */
const operations: Partial<Record<FunctionName, ZodOpenApiOperationObject>> = {
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
  login: {
    summary: 'Log in with GitHub',
    description:
      "Redirects to GitHub's authorize page (scopes `read:user user:email`) with a fresh random `state`, also set " +
      'in the HttpOnly, SameSite=Lax cookie `delinkcious_oauth_state` (Secure on HTTPS) for 10 minutes.',
    responses: {
      '302': {
        description: "To GitHub's authorize page",
        headers: z.object({ Location: z.string(), 'Set-Cookie': z.string() }),
      },
      '429': commonFailures['429'],
      '503': failure('GitHub login is not configured here (locally, the message points to POST /dev/login).'),
    },
  },
  loginCallback: {
    summary: "GitHub's redirect back: issue an access token",
    description:
      'The `state` must equal the state cookie and be unused and under 10 minutes old. The code is exchanged, ' +
      "GitHub's user and primary verified email are read, the user is registered on first login (username: the " +
      "GitHub login, lower-cased; GitHub's numeric id keeps a renamed account the same user) and a token is issued. " +
      'With `Accept: text/html`, the same facts come as a page.',
    requestParams: { query: loginCallbackQuery },
    responses: {
      '200': {
        description: 'Logged in',
        content: {
          'application/json': { schema: tokenResponse },
          'text/html': { schema: z.string().meta({ description: 'A page showing the token' }) },
        },
      },
      '400': failure('Missing, mismatched, unknown, expired or reused state; or neither `code` nor `error`.'),
      '401': failure('Declined on GitHub, a bad or expired code, or no verified primary email.'),
      '409': failure('The username belongs to another GitHub account (one that had this login before).'),
      '429': commonFailures['429'],
      '503': failure('GitHub is down or not configured here.'),
    },
  },
  me: {
    summary: "The caller's profile, with the email and the counts",
    responses: {
      '200': { description: 'The profile', ...json(ownProfile) },
      '401': commonFailures['401'],
      '429': commonFailures['429'],
      '503': commonFailures['503'],
    },
  },
  getUser: {
    summary: "A user's public profile, with the counts",
    requestParams: { path: userPath },
    responses: {
      '200': { description: 'The profile', ...json(publicProfile) },
      ...commonFailures,
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
  follow: {
    summary: 'Follow a user',
    description: "The name comes as `username`, or as the original clients' `followed`.",
    requestBody: bodyOf(followRequest),
    responses: {
      '201': { description: 'Following', ...json(z.object({ username: z.string(), since: z.string() })) },
      ...commonFailures,
      '404': failure('No such user'),
      '409': failure('Already following (`already_following`)'),
    },
  },
  unfollow: {
    summary: 'Stop following a user',
    description:
      "The name comes from the path, `?username=`, or the original clients' body field `followed`.",
    responses: { '204': { description: 'Unfollowed' }, ...commonFailures, '404': failure('Not following') },
  },
  listFollowing: {
    summary: 'Whom the caller follows, newest first',
    requestParams: { query: pageQuery },
    responses: { '200': { description: 'A page of users', ...json(followListing) }, ...commonFailures },
  },
  listFollowers: {
    summary: 'Who follows the caller, newest first',
    requestParams: { query: pageQuery },
    responses: { '200': { description: 'A page of users', ...json(followListing) }, ...commonFailures },
  },
  getNews: {
    summary: 'What the people the caller follows did to their public links, newest first',
    requestParams: { query: pageQuery },
    responses: { '200': { description: 'A page of events', ...json(newsPage) }, ...commonFailures },
  },
  getSnapshot: {
    summary: "Download the latest page snapshot of one of the caller's links",
    description:
      "The link checker keeps a snapshot of a link's page (HTML, as fetched on its first check). The answer is a " +
      'redirect to a presigned download URL valid for 5 minutes; the object is gzip-encoded HTML ' +
      "(`Content-Encoding: gzip`, the page's own `Content-Type`), served as a download " +
      '(`Content-Disposition: attachment; filename="snapshot-<fetch time>.html"`): a browser saves it and never ' +
      'renders the untrusted page.',
    requestParams: { query: snapshotQuery },
    responses: {
      '302': {
        description: 'To a download URL valid for 5 minutes',
        headers: z.object({ Location: z.string() }),
      },
      ...commonFailures,
      '404': failure('No such link, or the link has no snapshot (yet)'),
    },
  },
  devRecheck: {
    summary: 'Fire the daily re-check of stale links by hand (local runtime only)',
    description:
      'Queues a check of every link not checked for `stale_after_seconds` (default 7 days; 0: every link), ' +
      "at most LINK_CHECKER_RECHECK_PER_USER per user, interleaved across users, as the deployed stack's daily " +
      'schedule does.',
    requestParams: { query: recheckRequest },
    responses: {
      '200': { description: 'What was queued', ...json(recheckReport) },
      '400': commonFailures['400'],
      '401': commonFailures['401'],
    },
  },
};

export function openApiDocument(
  routes: RouteDeclaration[],
  version: string,
): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const described = operations[route.function];
    if (!described) throw new Error(`No OpenAPI operation is described for ${route.function}`);
    const operation: ZodOpenApiOperationObject = {
      operationId: `${route.method}${route.path}`.toLowerCase().replace(/[^a-z0-9]+/g, '_'),
      ...described,
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
