import type { LinkStatus } from './model.ts';

/**
 * The links context's side of link checking: what the checker may record on a link, and how it finds links
 * due for a check. The DynamoDB adapter (dynamodb.ts) implements both; only it builds the table's keys.
 */

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
