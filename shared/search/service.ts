import { pageTokenKey } from '../aws/secrets.ts';
import { SnapshotTextsForSearch } from '../checker/texts-for-search.ts';
import { PageTokens } from '../pagination.ts';
import { DynamoUserStore } from '../users/dynamodb.ts';
import { UsersForLinks } from '../users/users-for-links.ts';
import { LinkSearch } from './core.ts';
import { LinksForSearch } from '../links/for-search.ts';
import { S3SearchIndexStore } from './s3.ts';
import { SqsSearchUpdates } from './sqs.ts';
import { SearchIndexUpdater } from './updater.ts';

/** The search context's cores wired to their adapters, once per cold start. */

let store: S3SearchIndexStore | undefined;
export const searchIndexStore = () => (store ??= new S3SearchIndexStore());

let links: LinksForSearch | undefined;
export const linksForSearch = () => (links ??= new LinksForSearch());

let updater: SearchIndexUpdater | undefined;
export const searchIndexUpdater = () =>
  (updater ??= new SearchIndexUpdater(searchIndexStore(), new SnapshotTextsForSearch(), linksForSearch()));

let updates: SqsSearchUpdates | undefined;
export const searchUpdates = () => (updates ??= new SqsSearchUpdates());

let search: LinkSearch | undefined;
/** The listings' search, with its cache of indexes, once per cold start. */
export function linkSearch(): LinkSearch {
  if (!search) {
    const authors = new UsersForLinks(new DynamoUserStore());
    search = new LinkSearch(
      searchIndexStore(),
      linksForSearch(),
      new PageTokens(pageTokenKey),
      async (username) => (await authors.find(username)) !== undefined,
      searchUpdates(),
    );
  }
  return search;
}

/** Tests install a search over in-memory stores here; undefined restores the wiring. */
export function setLinkSearchForTests(service: LinkSearch | undefined): void {
  search = service;
}

/** Tests install an updater over in-memory stores here; undefined restores the wiring. */
export function setSearchIndexUpdaterForTests(service: SearchIndexUpdater | undefined): void {
  updater = service;
}
