import { config } from '../config.ts';
import { DEFAULT_EXPORT_SETTINGS, LinkExport } from './export.ts';
import { S3ExportFiles } from './export-files.ts';
import { DynamoLinkStore } from './store.ts';

/**
 * The export's composition root, apart from the links service's (shared/links/service.ts): only the export
 * function loads the S3 client and the presigner as it starts, not every function that lists or changes links.
 */

let exportInstance: LinkExport | undefined;

/** Export wired to the links table and the exports bucket, once per cold start. */
export function linkExport(): LinkExport {
  exportInstance ??= new LinkExport(new DynamoLinkStore(), new S3ExportFiles(), {
    ...DEFAULT_EXPORT_SETTINGS,
    inlineLimitBytes: config().EXPORT_INLINE_LIMIT_BYTES,
  });
  return exportInstance;
}

/** Tests install an export over in-memory stores here; undefined restores the AWS wiring. */
export function setLinkExportForTests(exports: LinkExport | undefined): void {
  exportInstance = exports;
}
