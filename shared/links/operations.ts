import * as z from 'zod';
import {
  answer,
  atom,
  bodyOf,
  cacheHeaders,
  errorBody,
  failure,
  json,
  notModified,
  type Operations,
} from '../http/openapi-operation.ts';
import { downloadLinkSchema } from '../http/schemas.ts';
import {
  addLinkRequest,
  deleteLinkRequest,
  exportQuery,
  linkEnvelope,
  linkListing,
  linkResponseSchema,
  listLinksQuery,
  publicLinksQuery,
  tagListing,
  updateLinkRequest,
} from './schemas.ts';

/** The OpenAPI descriptions of the links context's routes: the caller's own bookmarks and tags. */
export const linkOperations = {
  listPublicLinks: {
    summary: "A user's public links, newest published first",
    description:
      'Needs no token, and answers the same to everybody, the owner included: private links never appear. ' +
      'A page may hold fewer links than `limit` (a link made private a moment ago is left out) and still carry ' +
      'a `next_token`; with `tag`, a page examines at most 1,000 public links. Caches revalidate it every ' +
      'time (`no-cache`); `If-None-Match` with the `ETag` answers 304.',
    query: publicLinksQuery,
    responses: {
      '200': answer('A page of public links', { content: json(linkListing), headers: cacheHeaders }),
      '304': notModified,
      '404': failure('No such user'),
    },
  },
  profilePage: {
    summary: "A user's public profile page, for people and link previews",
    description:
      'HTML rendered on the server (crawlers run no script): the name, avatar, public counts and the newest 20 ' +
      'public links, with Open Graph and Twitter card tags. No script; caches revalidate it every time ' +
      '(`no-cache`, so a link made private is in no copy served after); 304 on `If-None-Match`.',
    responses: {
      '200': answer('The page', {
        content: { 'text/html': { schema: z.string() } },
        headers: {
          ...cacheHeaders,
          'Content-Security-Policy': z.string().meta({
            description: "Only the page's own style block and the avatar's host; no script.",
          }),
          'X-Frame-Options': z.literal('DENY'),
        },
      }),
      '304': notModified,
      '404': failure('No such user'),
    },
  },
  linkFeed: {
    summary: "A user's newest 50 public links as an Atom feed (with a tag: those carrying it)",
    description:
      'For feed readers: needs no token. Feed and entry ids are tag URIs that never change; an entry links to ' +
      'the bookmarked page, its summary is the description, its categories the tags. Shared caches may ' +
      'keep it and revalidate it every time (`no-cache`); `If-None-Match` with the `ETag` answers 304.',
    responses: {
      '200': answer('The feed', { content: atom(), headers: cacheHeaders }),
      '304': notModified,
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
      '403': failure(
        'The caller already has MAX_LINKS_PER_USER links (`link_limit_reached`), or the token is a `read` or ' +
          '`feed` one (`insufficient_scope`).',
      ),
      '409': answer(
        'Duplicate URL (`already_exists`); the body carries the existing `link` beside the error.',
        {
          content: json(errorBody.extend({ link: linkResponseSchema }).meta({ id: 'DuplicateLink' })),
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
  exportLinks: {
    summary: "All the caller's links as a file: the Netscape bookmark file or JSON",
    description:
      '`netscape` (the default) is the bookmark file every browser and bookmark service imports: one ' +
      '`<DT><A HREF ADD_DATE LAST_MODIFIED PRIVATE TAGS>` per link (dates in epoch seconds, tags separated by ' +
      'commas), its description in a `<DD>`, everything HTML-escaped. `json` is `{"links": [Link...]}`. Newest ' +
      'first; an attachment named `delinkcious-<username>-<date>.html|json`. A file over about 5 MB (API ' +
      "Gateway's answers stop at 6 MB) is answered with a 302 to a download of it valid for 15 minutes. With " +
      '`delivery=url` the file is always stored and the answer is that download as JSON.',
    query: exportQuery,
    responses: {
      '200': answer('The file; with `delivery=url`, its download (`DownloadLink`)', {
        content: {
          'text/html': { schema: z.string().meta({ description: 'The Netscape bookmark file.' }) },
          ...json(
            z.union([
              z.object({ links: z.array(linkResponseSchema) }).meta({ id: 'LinkExport' }),
              downloadLinkSchema,
            ]),
          ),
        },
        headers: {
          'Content-Disposition': z.string().optional().meta({
            description: "The file's name (not with `delivery=url`).",
            example: 'attachment; filename="delinkcious-alice-2026-12-02.html"',
          }),
          'Cache-Control': z.literal('no-store'),
        },
      }),
      '302': answer('A file over about 5 MB: to a download of it valid for 15 minutes', {
        headers: { Location: z.string(), 'Cache-Control': z.literal('no-store') },
      }),
    },
  },
} satisfies Operations<'links'>;
