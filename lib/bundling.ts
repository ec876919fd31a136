import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, aws_lambda as lambda, type ILocalBundling } from 'aws-cdk-lib';
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';
import { openApiDocument } from '../shared/openapi.ts';
import { PREBUILT_OPENAPI_FILE, PREBUILT_VERSION } from '../shared/ops/openapi-document.ts';
import { functions, isDeployed, routes } from '../shared/wiring.ts';

/**
 * How every function is bundled, in one place: the CDK (`functionAsset`, the local esbuild, never Docker) and the
 * bundle benchmark (bench/bundles.ts, into a temporary directory) both take these options, so the benchmark
 * measures what is deployed.
 *
 * - ES modules for Node 24 (the Lambda runtime), minified, split: the entry `index.mjs` holds what a cold start
 *   runs, and each module reached only through a dynamic `import()` (the tracer of a sampled request, Powertools
 *   Idempotency of a keyed POST, re2js of a regex search, the SDK's credential providers of other environments)
 *   is a chunk beside it, which Node reads and compiles only when it is imported. V8 compiles a module's every
 *   byte as it loads, run or not, so the entry's bytes are most of a cold start's cost (`npm run bench:bundles`).
 *   Code shared by the entry and a chunk lands in chunks that the entry imports statically.
 * - A source map beside each file, without the sources' text. Node is not asked to read them
 *   (`--enable-source-maps` parses the whole map at every cold start); the logger maps an error's stack when it
 *   logs one (shared/stack-traces.ts).
 * - The AWS SDK is bundled, not taken from the runtime: the version is the lockfile's, the one the tests ran,
 *   and esbuild keeps only the clients and commands that the code imports.
 * - Some dependencies are still CommonJS and call `require`, which ES modules lack, so the banner defines it in
 *   each file; the alias keeps it from clashing with a bundled `createRequire`.
 * - What can be computed once rather than by every cold start is written beside a function's bundle as it is
 *   built (`writeFilesBeside`): the `openapi` function's document.
 */
export const BUNDLE = {
  target: 'node24',
  format: 'esm',
  splitting: true,
  /** The entry, as the Lambda handler names it (`index.handler`). */
  entryName: 'index',
  /** The chunks, beside the entry: the module's name (or `chunk` for shared code) and a hash of the contents. */
  chunkNames: '[name]-[hash]',
  extension: '.mjs',
  mainFields: ['module', 'main'],
  banner:
    "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  externalModules: [] as string[],
} as const;

/** The Lambda handler of every function: the entry's `handler` export. */
export const FUNCTION_HANDLER = `${BUNDLE.entryName}.handler`;

/** The repository root: entries and node_modules are found from here, whatever the cwd. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A function's bundle through esbuild's API: `index.mjs` and its chunks, each with its map, in `outdir`. */
export function esbuildOptions(outdir: string): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: BUNDLE.target,
    format: BUNDLE.format,
    splitting: BUNDLE.splitting,
    outdir,
    entryNames: '[name]',
    chunkNames: BUNDLE.chunkNames,
    outExtension: { '.js': BUNDLE.extension },
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    // What a function does differently as a bundle than where its sources run (functions/ops/openapi.ts).
    define: { 'process.env.DELINKCIOUS_BUNDLED': '"true"' },
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourceMap,
    sourcesContent: BUNDLE.sourcesContent,
    external: [...BUNDLE.externalModules],
    // Warnings and errors only: `cdk synth -q` stays quiet about each of the bundles.
    logLevel: 'warning',
  };
}

/**
 * The files of a bundle that a cold start loads: `entry` (an output path of the metafile) and the chunks it imports
 * statically, transitively. Chunks reached only through a dynamic `import()` are left out.
 */
export function loadedAtStart(metafile: Metafile, entry: string): Set<string> {
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const imported of metafile.outputs[path]!.imports) {
      if (imported.kind === 'import-statement' && imported.path in metafile.outputs) visit(imported.path);
    }
  };
  visit(entry);
  return loaded;
}

/**
 * Files a function reads that are written beside its bundle, by its entry (functions/<entry>.ts): what can be
 * computed once when it is bundled rather than by every cold start. The `openapi` function's document
 * (shared/ops/openapi-document.ts).
 */
const FILES_BESIDE: Record<string, Record<string, () => string>> = {
  [functions.openapi.entry]: {
    [PREBUILT_OPENAPI_FILE]: () =>
      JSON.stringify(openApiDocument(routes.filter(isDeployed), PREBUILT_VERSION)),
  },
};

/** Writes the files that the function of `entry` reads beside its bundle into `outdir` (none for most). */
export function writeFilesBeside(entry: string, outdir: string): void {
  for (const [file, contents] of Object.entries(FILES_BESIDE[entry] ?? {})) {
    writeFileSync(join(outdir, file), contents());
  }
}

/** The entry point of a function's bundle, named so that its output is the handler's file. */
export function entryPointOf(entry: string): Record<string, string> {
  return { [BUNDLE.entryName]: entry };
}

/** functions/<entry>.ts, the source of a function's bundle. */
export function functionEntry(entry: string): string {
  return join(PROJECT_ROOT, 'functions', `${entry}.ts`);
}

/**
 * A function's code as a CDK asset: bundled by the local esbuild while synthesizing (CDK's NodejsFunction writes
 * one `--outfile`, which cannot be split). The asset's hash is the output's, which esbuild makes the same for the
 * same sources: an unchanged function is not deployed again.
 */
export function functionAsset(entry: string): lambda.AssetCode {
  return lambda.Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: the local build either succeeds or stops the synthesis with esbuild's error.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24-slim'),
      local: new LocalFunctionBundling(entry),
    },
  });
}

/**
 * The local esbuild of one function. Its `entry` is a field, not only in a closure: the CDK tells assets apart
 * by their options' JSON, and all functions share one source directory, so without it every function would be
 * given the first one's bundle.
 */
class LocalFunctionBundling implements ILocalBundling {
  constructor(readonly entry: string) {}

  tryBundle(outputDir: string): boolean {
    buildSync({ ...esbuildOptions(outputDir), entryPoints: entryPointOf(functionEntry(this.entry)) });
    writeFilesBeside(this.entry, outputDir);
    return true;
  }
}
