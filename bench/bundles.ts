import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { FUNCTION_NODE_OPTIONS, esbuildOptions } from '../lib/bundling.ts';
import { deployedFunctionNames, functions, type FunctionName } from '../shared/wiring.ts';
import { percentile } from './stats.ts';

/**
 * `npm run bench:bundles`: each deployed function's bundle, built by esbuild with the options the CDK uses
 * (lib/bundling.ts) into a temporary directory, beside a bare handler bundled the same way that imports only
 * the same AWS SDK symbols (those the function's sources import from `@aws-sdk/*`, and the client of any other
 * SDK package in the bundle) and does nothing else.
 *
 * For each: the bundle's size and its cold module-load time, i.e. a fresh Node process (with the functions'
 * NODE_OPTIONS) importing the bundle, which runs everything a cold start runs before the first invocation.
 * The function and its bare handler are measured in turns, REPS times (7) after one warm-up round, alternating
 * which goes first; the table shows medians and the ratio of the medians (target: at most TARGET, 1.3).
 * ONLY=addLink,listLinks measures some functions; EXPLAIN=1 adds where each function's bytes come from and what
 * its heaviest packages cost to load on their own. Never part of `npm test`.
 */
const TARGET = 1.3;
const REPS = Number(process.env.REPS ?? 7);
const ONLY = process.env.ONLY?.split(',').filter(Boolean) as FunctionName[] | undefined;
const EXPLAIN = process.env.EXPLAIN === '1';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Bundle {
  file: string;
  bytes: number;
  mapBytes: number;
  metafile: Metafile;
}

async function bundle(
  outDir: string,
  input: { entry: string } | { contents: string },
  plugins: Plugin[] = [],
): Promise<Bundle> {
  const file = join(outDir, 'index.mjs');
  const result = await build({
    ...esbuildOptions(file),
    plugins,
    ...('entry' in input
      ? { entryPoints: [input.entry] }
      : { stdin: { contents: input.contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'bare.ts' } }),
    metafile: true,
  });
  return {
    file,
    bytes: statSync(file).size,
    mapBytes: statSync(`${file}.map`).size,
    metafile: result.metafile,
  };
}

/** The package an input of the bundle belongs to (`src` for the project's own files). */
function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? match[1]! : 'src';
}

function outputOf(metafile: Metafile) {
  return Object.entries(metafile.outputs).find(([file]) => file.endsWith('.mjs'))![1];
}

/** Bytes in the bundle by package, largest first. */
function bytesByPackage(metafile: Metafile): [string, number][] {
  const sizes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(outputOf(metafile).inputs)) {
    sizes.set(packageOf(input), (sizes.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

/** The value imports from `@aws-sdk/*` in the project's own files of a bundle, per package. */
async function sdkImports(metafile: Metafile): Promise<Map<string, Set<string>>> {
  const imports = new Map<string, Set<string>>();
  const add = (pkg: string, name: string) => imports.set(pkg, (imports.get(pkg) ?? new Set()).add(name));
  const inputs = Object.keys(outputOf(metafile).inputs);
  for (const input of inputs.filter((file) => packageOf(file) === 'src' && file.endsWith('.ts'))) {
    const source = readFileSync(join(ROOT, input), 'utf8');
    for (const match of source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/[^']+)'/g)) {
      if (match[1]) continue;
      for (const specifier of match[2]!.split(',').map((s) => s.trim())) {
        if (!specifier || specifier.startsWith('type ')) continue;
        add(match[3]!, specifier.split(/\s+as\s+/)[0]!);
      }
    }
  }
  // SDK clients that a dependency brings in (the Powertools secrets provider's Secrets Manager client).
  for (const pkg of new Set(inputs.map(packageOf))) {
    if (!pkg.startsWith('@aws-sdk/client-') || imports.has(pkg)) continue;
    const exported = Object.keys(await import(pkg));
    const client = exported.find((name) => /^[A-Z]\w*Client$/.test(name) && name !== 'Client');
    if (!client) throw new Error(`No client class in ${pkg}.`);
    add(pkg, client);
  }
  return imports;
}

/** A handler that imports the given SDK symbols, keeps them (so that they are bundled), and does nothing. */
function bareHandler(imports: Map<string, Set<string>>): string {
  const lines: string[] = [];
  const names: string[] = [];
  [...imports].sort().forEach(([pkg, symbols], i) => {
    const aliased = [...symbols].sort().map((symbol) => `${symbol} as s${i}_${symbol}`);
    lines.push(`import { ${aliased.join(', ')} } from '${pkg}';`);
    names.push(...[...symbols].sort().map((symbol) => `s${i}_${symbol}`));
  });
  lines.push(`const sdk: unknown[] = [${names.join(', ')}];`);
  lines.push('export const handler = async () => ({ statusCode: 200, body: String(sdk.length) });');
  return lines.join('\n');
}

/** Imports the bundle in a fresh Node process; the milliseconds that the import took. */
function loadTime(loader: string, file: string, flags = FUNCTION_NODE_OPTIONS.split(' ')): number {
  const output = execFileSync(process.execPath, [...flags, loader, file], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
      POWERTOOLS_SERVICE_NAME: 'delinkcious',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    encoding: 'utf8',
  });
  return Number(output.trim());
}

/** Loads each function and its bare handler in turns, round after round, alternating which goes first. */
function measure(loader: string, rows: Row[], flags?: string[]): void {
  for (let round = 0; round <= REPS; round++) {
    for (const row of rows) {
      const pair = round % 2 === 0 ? (['fn', 'bare'] as const) : (['bare', 'fn'] as const);
      for (const which of pair) {
        const took = loadTime(loader, row[which].file, flags);
        if (round > 0) (which === 'fn' ? row.fnSamples : row.bareSamples).push(took);
      }
    }
  }
}

const ratioOf = (row: Row) => percentile(row.fnSamples, 50) / percentile(row.bareSamples, 50);

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number) => value.toFixed(1);

interface Row {
  name: FunctionName;
  fn: Bundle;
  bare: Bundle;
  fnSamples: number[];
  bareSamples: number[];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'delinkcious-bundles-'));
  try {
    const loader = join(dir, 'load.mjs');
    writeFileSync(
      loader,
      [
        "import { pathToFileURL } from 'node:url';",
        'const started = performance.now();',
        'const module = await import(pathToFileURL(process.argv[2]).href);',
        "if (typeof module.handler !== 'function') throw new Error('no handler');",
        'console.log(performance.now() - started);',
      ].join('\n'),
    );
    const names = deployedFunctionNames().filter((name) => !ONLY || ONLY.includes(name));
    console.log(`Bundling ${names.length} functions and their bare handlers into ${dir} ...`);
    const rows: Row[] = [];
    const bareByContents = new Map<string, Bundle>();
    for (const name of names) {
      const fnDir = join(dir, name);
      mkdirSync(fnDir);
      const fn = await bundle(fnDir, { entry: join(ROOT, 'functions', `${functions[name].entry}.ts`) });
      const contents = bareHandler(await sdkImports(fn.metafile));
      let bare = bareByContents.get(contents);
      if (!bare) {
        const bareDir = join(dir, `bare-${bareByContents.size}`);
        mkdirSync(bareDir);
        bare = await bundle(bareDir, { contents });
        bareByContents.set(contents, bare);
      }
      rows.push({ name, fn, bare, fnSamples: [], bareSamples: [] });
    }

    console.log(
      `Loading each in a fresh Node process (${process.version}, ${FUNCTION_NODE_OPTIONS}): 1 warm-up + ${REPS} rounds, function and bare handler in turns ...`,
    );
    measure(loader, rows);

    const width = Math.max(...rows.map((row) => row.name.length));
    console.log(
      `\n${'function'.padEnd(width)}  ${'bundle'.padStart(8)}  ${'map'.padStart(8)}  ${'bare'.padStart(8)}  ${'load p50'.padStart(9)}  ${'bare p50'.padStart(9)}  ratio`,
    );
    const ratios: number[] = [];
    for (const row of rows) {
      const fnMedian = percentile(row.fnSamples, 50);
      const bareMedian = percentile(row.bareSamples, 50);
      const ratio = ratioOf(row);
      ratios.push(ratio);
      console.log(
        `${row.name.padEnd(width)}  ${kb(row.fn.bytes).padStart(8)}  ${kb(row.fn.mapBytes).padStart(8)}  ${kb(row.bare.bytes).padStart(8)}  ${`${ms(fnMedian)} ms`.padStart(9)}  ${`${ms(bareMedian)} ms`.padStart(9)}  ${ratio.toFixed(2)}${ratio > TARGET ? '  over' : ''}`,
      );
    }
    const over = rows.filter((_, i) => ratios[i]! > TARGET).map((row) => row.name);
    console.log(
      `\nratio of medians: median ${percentile(ratios, 50).toFixed(2)}, worst ${Math.max(...ratios).toFixed(2)}; ` +
        `target <= ${TARGET}: ${over.length === 0 ? 'met by every function' : `missed by ${over.length} of ${rows.length} (${over.join(', ')})`}`,
    );

    if (EXPLAIN) await explain(dir, loader, rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The sources import zod as `import { z } from 'zod'`, which hands esbuild the namespace object of all of zod
 * (every check, every locale), so none of it is tree-shaken; `import * as z from 'zod'` (what zod's documentation
 * recommends) names each member statically and bundles only those used. Same members, same behaviour.
 */
const zodNamespaceImports: Plugin = {
  name: 'zod-namespace-imports',
  setup(build) {
    build.onLoad({ filter: /\/(shared|functions)\/.*\.ts$/ }, (args) => ({
      loader: 'ts',
      contents: readFileSync(args.path, 'utf8').replace(
        /import \{ z \} from 'zod';/g,
        "import * as z from 'zod';",
      ),
    }));
  },
};

/** Where the bytes of each function come from beyond the SDK, and what the heaviest packages cost alone. */
async function explain(dir: string, loader: string, rows: Row[]): Promise<void> {
  console.log('\nBytes beyond the bare handler, by package (largest first):');
  const heavy = new Map<string, number>();
  for (const row of rows) {
    const bare = new Map(bytesByPackage(row.bare.metafile));
    const extra = bytesByPackage(row.fn.metafile)
      .map(([pkg, bytes]) => [pkg, bytes - (bare.get(pkg) ?? 0)] as const)
      .filter(([, bytes]) => bytes > 4096);
    for (const [pkg, bytes] of extra) heavy.set(pkg, Math.max(heavy.get(pkg) ?? 0, bytes));
    console.log(`  ${row.name}: ${extra.map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`).join(', ')}`);
  }
  const probes: Record<string, string> = {
    'zod (import { z }, as the sources do)':
      "import { z } from 'zod'; export const handler = () => z.object({ a: z.string() });",
    'zod (import * as z)':
      "import * as z from 'zod'; export const handler = () => z.object({ a: z.string() });",
    re2js: "import { RE2JS } from 're2js'; export const handler = (e: string) => RE2JS.compile(e);",
    '@aws-lambda-powertools/logger':
      "import { Logger } from '@aws-lambda-powertools/logger'; const logger = new Logger(); export const handler = () => logger;",
    'zod-openapi':
      "import { createDocument } from 'zod-openapi'; export const handler = (e: never) => createDocument(e);",
    nothing: 'export const handler = () => 1;',
  };
  console.log('\nEach alone, bundled the same way (medians of 7 fresh processes):');
  for (const [label, contents] of Object.entries(probes)) {
    const probeDir = join(dir, `probe-${label.replace(/\W+/g, '-')}`);
    mkdirSync(probeDir);
    const probe = await bundle(probeDir, { contents });
    const samples = Array.from({ length: 8 }, () => loadTime(loader, probe.file)).slice(1);
    console.log(
      `  ${label.padEnd(40)} ${kb(probe.bytes).padStart(8)}  ${ms(percentile(samples, 50)).padStart(6)} ms`,
    );
  }
  console.log(`  (packages over 4 KB seen beyond the SDK: ${[...heavy.keys()].join(', ')})`);

  console.log('\nWhat-ifs, measured the same way (ratio of medians per function):');
  const withZodNamespace: Row[] = [];
  for (const row of rows) {
    const whatIfDir = join(dir, `zod-namespace-${row.name}`);
    mkdirSync(whatIfDir);
    const fn = await bundle(
      whatIfDir,
      { entry: join(ROOT, 'functions', `${functions[row.name].entry}.ts`) },
      [zodNamespaceImports],
    );
    withZodNamespace.push({ ...row, fn, fnSamples: [], bareSamples: [] });
  }
  measure(loader, withZodNamespace);
  const withoutSourceMaps = rows.map((row) => ({ ...row, fnSamples: [], bareSamples: [] }));
  measure(loader, withoutSourceMaps, []);
  const width = Math.max(...rows.map((row) => row.name.length));
  console.log(`  ${'function'.padEnd(width)}  deployed  zod as namespace (bundle)  no --enable-source-maps`);
  rows.forEach((row, i) => {
    const zod = withZodNamespace[i]!;
    console.log(
      `  ${row.name.padEnd(width)}  ${ratioOf(row).toFixed(2).padStart(8)}  ${`${ratioOf(zod).toFixed(2)} (${kb(zod.fn.bytes)})`.padStart(25)}  ${ratioOf(withoutSourceMaps[i]!).toFixed(2).padStart(23)}`,
    );
  });
}

await main();
