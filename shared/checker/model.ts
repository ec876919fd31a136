import * as z from '../zod.ts';
import { parseMessage } from '../events/messages.ts';
import type { LinkRef } from '../links/checks.ts';

/** Why a check was asked for: a new link, a link whose URL changed, or the daily re-check of stale links. */
type CheckCause = 'added' | 'changed' | 'recheck';

/** A request to check one link: the link-check queue's message. */
export interface CheckRequest extends LinkRef {
  cause: CheckCause;
  /** When it was asked for: a link checked at or after this time needs no check for it. */
  requestedAt: string;
}

const checkRequestMessage = z.object({
  username: z.string().check(z.minLength(1)),
  url: z.string().check(z.minLength(1)),
  cause: z.enum(['added', 'changed', 'recheck']),
  requested_at: z.iso.datetime(),
});

export function toCheckMessage(request: CheckRequest): string {
  return JSON.stringify({
    username: request.username,
    url: request.url,
    cause: request.cause,
    requested_at: request.requestedAt,
  } satisfies z.infer<typeof checkRequestMessage>);
}

/** The request a queue message carries; anything else is malformed and goes, after retries, to the DLQ. */
export function parseCheckMessage(body: string): CheckRequest {
  const { username, url, cause, requested_at } = parseMessage(
    checkRequestMessage,
    body,
    'link check message',
  );
  return { username, url, cause, requestedAt: requested_at };
}

/** A page the checker fetched with GET and may keep as a snapshot. */
export interface FetchedPage {
  /** Where the page was found, after redirects. */
  url: string;
  httpStatus: number;
  contentType: string;
  /** At most the body limit; `truncated` when the page was longer. */
  body: Uint8Array;
  truncated: boolean;
  fetchedAt: string;
}

/** What a check decided. */
export interface Verdict {
  status: 'valid' | 'invalid';
  httpStatus: number | null;
  reason: string;
  checkedAt: string;
  attempts: number;
  /** An HTML page fetched with GET that answered 2xx: kept as the link's snapshot. */
  page?: FetchedPage;
  /** The page's `<title>`, when it has one. */
  title?: string;
  /** The page's readable text (page-text.ts), kept beside its snapshot for the search index. */
  text?: string;
}
