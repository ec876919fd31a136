import type { LinkStatus } from './model.ts';

/**
 * The links context's side of link checking: what the checker may record on a link, and how it finds links
 * due for a check. The adapter for-checker.ts implements both over the table's keys (table.ts).
 */

/**
 * The attributes that recording a check names on a link, to set them or to test them in its condition, besides
 * the table's keys. The link checker parses untrusted pages, so its grant on the links table is limited to
 * updating these (IAM `dynamodb:Attributes`): it cannot put, delete, or change anything else of a link.
 */
export const LINK_CHECK_ATTRIBUTES = [
  'status',
  'http_status',
  'checked_at',
  'check_reason',
  'title',
  'version',
] as const;

/** The attributes that the daily re-check's Scan filters on or returns, besides the table's keys. */
export const STALE_LINK_SCAN_ATTRIBUTES = ['username', 'url', 'checked_at', 'created_at'] as const;

/** One check's result, as it is written on the link. */
export interface LinkCheckRecord {
  status: Exclude<LinkStatus, 'pending'>;
  httpStatus: number | null;
  /** When the check reached its verdict: a record never replaces one with a later `checkedAt`. */
  checkedAt: string;
  /** Short and human: `HTTP 404`, `refused: 10.0.0.7 is a private address`, `timeout after 3 attempts`. */
  reason: string;
  /** The page's title, written only if the link's title is still empty when the record lands. */
  title?: string | undefined;
}

export type RecordCheckResult =
  | { written: true; titleFilled: boolean }
  /** `gone`: the link was deleted meanwhile (never resurrected); `superseded`: a later check is recorded. */
  | { written: false; why: 'gone' | 'superseded' };

/** A link, by owner and URL. */
export interface LinkRef {
  username: string;
  url: string;
}

export interface StaleLinkQuery {
  /** Links checked before this time are due again. */
  checkedBefore: string;
  /** Links never checked and created before this time are due too (their first check got lost). */
  uncheckedCreatedBefore: string;
}
