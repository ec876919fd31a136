import { createHash } from 'node:crypto';
import { keyPrefixes } from '../keys.ts';
import { normalizeUrl } from './url.ts';

/**
 * The links table's keys and index names (the table's design: shared/links/table.ts). Apart from its items'
 * schemas, so that an adapter that only names items, such as the profiles' counts (counts.ts), does not build
 * the link model's schemas as it loads.
 */
export const LINKS_BY_CREATED = 'byCreated';
export const PUBLIC_LINKS = 'byPublic';
export const LINK_PREFIX = 'LINK#';
const COUNTERS = 'COUNTERS';

export const userPartition = (username: string) => `${keyPrefixes.links.owner}${username}`;
export const urlHash = (url: string) => createHash('sha256').update(normalizeUrl(url)).digest('base64url');
export const linkKey = (username: string, url: string) => ({
  pk: userPartition(username),
  sk: `${LINK_PREFIX}${urlHash(url)}`,
});
export const countersKey = (username: string) => ({ pk: userPartition(username), sk: COUNTERS });
