import type { BuildOptions } from 'esbuild';
import { LogLevel, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every function is bundled, in one place: the CDK's NodejsFunction (local esbuild, never Docker) and the
 * bundle benchmark (bench/bundles.ts, esbuild's API into a temporary directory) both derive their options from
 * these, so the benchmark measures what is deployed.
 *
 * - ES modules for Node 24 (the Lambda runtime), minified, with a source map beside the bundle, without the
 *   sources' text. Node is not asked to read it (`--enable-source-maps` parses the whole map at every cold
 *   start); the logger maps an error's stack when it logs one (shared/stack-traces.ts).
 * - The AWS SDK is bundled, not taken from the runtime: the version is the lockfile's, the one the tests ran,
 *   and esbuild keeps only the clients and commands that the code imports.
 * - Some dependencies are still CommonJS and call `require`, which ES modules lack, so the banner defines it;
 *   the alias keeps it from clashing with a bundled `createRequire`.
 */
export const BUNDLE = {
  target: 'node24',
  format: 'esm',
  mainFields: ['module', 'main'],
  banner:
    "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  externalModules: [] as string[],
} as const;

/** The bundling options of a NodejsFunction. */
export function functionBundling(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: BUNDLE.target,
    mainFields: [...BUNDLE.mainFields],
    banner: BUNDLE.banner,
    minify: BUNDLE.minify,
    sourceMap: BUNDLE.sourceMap,
    sourcesContent: BUNDLE.sourcesContent,
    externalModules: [...BUNDLE.externalModules],
    // Warnings and errors only: `cdk synth -q` stays quiet about each of the bundles.
    logLevel: LogLevel.WARNING,
    // The local esbuild (a devDependency); there is no Docker on the build machines.
    forceDockerBundling: false,
  };
}

/** The same bundle through esbuild's API (what NodejsFunction passes to the esbuild CLI). */
export function esbuildOptions(outfile: string): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: BUNDLE.target,
    format: BUNDLE.format,
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourceMap,
    sourcesContent: BUNDLE.sourcesContent,
    external: [...BUNDLE.externalModules],
    logLevel: 'warning',
    outfile,
  };
}
