import { SnapshotTextsForSearch } from '../checker/texts-for-search.ts';
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
