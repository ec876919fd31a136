/**
 * The imports table: one item per import of a bookmark file, in its owner's partition.
 *
 * | access pattern                          | key condition / operation                                          |
 * |-----------------------------------------|--------------------------------------------------------------------|
 * | start an import                         | Put pk = USER#<username>, sk = IMPORT#<import id>, if absent       |
 * | one import by id (status, the worker)   | GetItem pk = USER#<username>, sk = IMPORT#<import id>              |
 * | a user's imports, newest first          | Query pk = USER#<username> AND begins_with(sk, 'IMPORT#'),         |
 * |                                         | ScanIndexForward = false                                           |
 * | record progress (a chunk, done, failed) | Put if status and checkpoint are still those the worker read       |
 * | erase a user's imports                  | Query the partition (keys, 100 at a time), BatchWriteItem deletes   |
 *
 * Why these keys: import ids begin with their creation time (newImportId), so one key serves both the lookup by
 * id (the API's path and the uploaded object's key carry it) and the newest-first listing. The owner's partition
 * keeps every import of a user together for listing and erasure; users import rarely, so it stays small.
 *
 * Item shape: { pk, sk, ...import }: the Import as model.ts's importSchema declares it, under its keys. It is
 * bounded (at most MAX_STORED_ERRORS errors of bounded text), well under DynamoDB's 400 KB.
 */
import { keyPrefixes } from '../keys.ts';
import { importSchema, type Import } from './model.ts';

export const IMPORT_PREFIX = 'IMPORT#';

export const importsPartition = (username: string) => `${keyPrefixes.imports.owner}${username}`;
export const importKey = (username: string, importId: string) => ({
  pk: importsPartition(username),
  sk: `${IMPORT_PREFIX}${importId}`,
});

export function importToItem(record: Import) {
  return { ...importKey(record.username, record.import_id), ...record };
}

/** The keys are dropped. */
export function importFromItem(item: Record<string, unknown>): Import {
  return importSchema.parse(item);
}
