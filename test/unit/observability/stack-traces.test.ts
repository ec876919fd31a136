import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../../lib/bundling.ts';

/**
 * A function's logged error names the TypeScript sources, though Node loads its bundle without source maps: the
 * logger maps the stack through the map beside the bundle. Bundled as the functions are, in the project (as the
 * CDK's bundles are, in cdk.out/), and run in a process of its own as Lambda runs it (no NODE_OPTIONS).
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FAILING_HANDLER = [
  "import { logger } from './shared/logger.ts';",
  'export function handler(): void {',
  "  logger.error('the work failed', new Error('boom'));",
  '}',
].join('\n');

let dir: string;
let bundle: string;
beforeAll(async () => {
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  dir = mkdtempSync(join(ROOT, '.cache', 'stack-traces-'));
  bundle = join(dir, 'index.mjs');
  await build({
    ...esbuildOptions(bundle),
    stdin: { contents: FAILING_HANDLER, resolveDir: ROOT, loader: 'ts', sourcefile: 'failing-handler.ts' },
  });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error of the one line the handler logs. */
function loggedError(): { location: string; stack: string } {
  const { stderr } = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `(await import(${JSON.stringify(bundle)})).handler();`],
    { env: { PATH: process.env.PATH, POWERTOOLS_LOG_LEVEL: 'ERROR' }, encoding: 'utf8' },
  );
  return (JSON.parse(stderr.trim()) as { error: { location: string; stack: string } }).error;
}

// A Node process of its own, which takes seconds on a busy machine.
describe('stack traces of a bundled function', { timeout: 60_000 }, () => {
  it('given an error logged in a bundle, then its location and stack name the source file and line', () => {
    const error = loggedError();

    expect(error.location).toBe('failing-handler.ts:3');
    expect(error.stack.split('\n')[1]).toMatch(/\(failing-handler\.ts:3:\d+\)$/);
    expect(error.stack).not.toContain(bundle);
  });
});
