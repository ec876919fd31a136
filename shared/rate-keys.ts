import { createHash } from 'node:crypto';
import { keyPrefixes } from './keys.ts';

/**
 * The rate limiter's item keys, in one place for the two that write these items: the limiter
 * (shared/http/rate-limit-store.ts) counts requests on them, and the users context's credential store changes a
 * user's credentials mark on the user's item whenever one of the user's credentials ends (shared/users/dynamodb.ts),
 * so that the gate's one conditional write both charges the user and proves the credential still live.
 */

/** The limiter key of a user, shared by all the user's tokens: a hash, like the addresses' keys. */
export function rateKeyForUser(username: string): string {
  return createHash('sha256').update(`user:${username}`).digest('base64url');
}

export function rateKeyForIp(ip: string): string {
  return createHash('sha256').update(`ip:${ip}`).digest('base64url');
}

/** The item of a limiter key in the users table. */
export const rateItemKey = (keyHash: string) => ({ pk: `${keyPrefixes.users.rate}${keyHash}`, sk: 'RATE' });

/**
 * The attribute of a user's rate item that changes (to a new random value) every time one of the user's
 * credentials ends: the gate remembers the value under which it last verified a credential, and charges only
 * while it is unchanged.
 */
export const CREDENTIALS_MARK = 'credentials_mark';
