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
  'export async function handler(): Promise<void> {',
  "  logger.error('the work failed', new Error('boom'));",
  "  const { failedWork } = await import('./test/unit/support/failing-work.ts');",
  "  logger.error('the chunk failed', failedWork());",
  '}',
].join('\n');

let dir: string;
let bundle: string;
beforeAll(async () => {
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  dir = mkdtempSync(join(ROOT, '.cache', 'stack-traces-'));
  // Standard input's output is stdin.mjs.
  bundle = join(dir, 'stdin.mjs');
  await build({
    ...esbuildOptions(dir),
    stdin: { contents: FAILING_HANDLER, resolveDir: ROOT, loader: 'ts', sourcefile: 'failing-handler.ts' },
  });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The errors of the lines the handler logs. */
function loggedErrors(): { location: string; stack: string }[] {
  const { stderr } = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `await (await import(${JSON.stringify(bundle)})).handler();`],
    { env: { PATH: process.env.PATH, POWERTOOLS_LOG_LEVEL: 'ERROR' }, encoding: 'utf8' },
  );
  return stderr
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { error: { location: string; stack: string } }).error);
}

// A Node process of its own, which takes seconds on a busy machine.
describe('stack traces of a bundled function', { timeout: 60_000 }, () => {
  it('given an error logged in a bundle, then its location and stack name the source file and line', () => {
    const [error] = loggedErrors();

    expect(error!.location).toBe('failing-handler.ts:3');
    expect(error!.stack.split('\n')[1]).toMatch(/\(failing-handler\.ts:3:\d+\)$/);
    expect(error!.stack).not.toContain(bundle);
  });

  it('given an error made in a chunk that the bundle imports on demand, then it names its source too', () => {
    const [, error] = loggedErrors();

    expect(error!.location).toBe('test/unit/support/failing-work.ts:3');
    expect(error!.stack.split('\n')[1]).toMatch(/\(test\/unit\/support\/failing-work\.ts:3:\d+\)$/);
    expect(error!.stack).toMatch(/\(failing-handler\.ts:5:\d+\)$/m);
    expect(error!.stack).not.toContain(dir);
  });
});
