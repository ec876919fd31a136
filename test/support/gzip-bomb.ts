import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Bytes that a gzip bomb inflates to. */
export const GZIP_BOMB_INFLATED_BYTES = 64 * 1024 * 1024;

/** Git-ignored; the fixture is the same on every run, so it is made once per checkout. */
const CACHE_DIR = fileURLToPath(new URL('../../.cache/test-fixtures', import.meta.url));
const CACHED_BOMB = join(CACHE_DIR, 'gzip-bomb-64MiB.gz');

/**
 * 64 MiB of zeros, gzipped into about 64 KB. Compressing them takes a second or more on a busy machine, so it is
 * done once and kept on disk, not in every run of the test that needs it.
 */
export function gzipBomb(): Buffer {
  if (existsSync(CACHED_BOMB)) return readFileSync(CACHED_BOMB);
  const bomb = gzipSync(Buffer.alloc(GZIP_BOMB_INFLATED_BYTES));
  mkdirSync(CACHE_DIR, { recursive: true });
  // Written beside and renamed into place, so a concurrent run never reads half a file.
  const partial = `${CACHED_BOMB}.${process.pid}.partial`;
  writeFileSync(partial, bomb);
  renameSync(partial, CACHED_BOMB);
  return bomb;
}
