import { LinksForChecker } from '../links/for-checker.ts';
import { Rechecker } from './core.ts';
import type { CheckedLinks, StaleLinks } from './ports.ts';
import { S3SnapshotStore } from './s3.ts';
import { SqsCheckQueue } from './sqs.ts';

/**
 * The link checker's stores and queue, and the rechecker, wired to their adapters once per cold start. The check
 * itself, with the fetcher, is wired in check-service.ts.
 */

/** How long a snapshot's presigned download URL lives. */
export const SNAPSHOT_URL_SECONDS = 300;

let links: LinksForChecker | undefined;
/** The links as the checker reads and records them; the snapshot route asks it who owns a link. */
export const checkedLinks = (): CheckedLinks & StaleLinks => (links ??= new LinksForChecker());

let snapshotStore: S3SnapshotStore | undefined;
export const snapshots = () => (snapshotStore ??= new S3SnapshotStore());

let queue: SqsCheckQueue | undefined;
export const checkQueue = () => (queue ??= new SqsCheckQueue());

let rechecker: Rechecker | undefined;
export const staleLinkRechecker = () => (rechecker ??= new Rechecker(checkedLinks(), checkQueue()));

/** Tests install a service over in-memory stores here; undefined restores the wiring. */
export function setRecheckerForTests(service: Rechecker | undefined): void {
  rechecker = service;
}
