import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { entryPointOf, esbuildOptions, loadedAtStart, writeFilesBeside } from '../lib/bundling.ts';
import { deployedFunctionNames, functions, type FunctionName } from '../shared/wiring.ts';
import { percentile } from './stats.ts';

/**
 * `npm run bench:bundles`: each deployed function's bundle, built by esbuild with the options the CDK uses
 * (lib/bundling.ts) into a directory of its own, as deployed: the entry `index.mjs` and its chunks. Beside it, a
 * bare handler bundled the same way that imports only the same AWS SDK symbols as the function's cold start
 * (those that its sources in the entry and the chunks it imports statically import from `@aws-sdk/*`, and the
 * client of any other SDK package there) and does nothing else.
 *
 * Between the two, the same function without observability: bundled from the same entry with shared/tracing.ts
 * and shared/metrics.ts swapped for modules of the same exports that do nothing (bench/without-observability/),
 * so the difference is what Powertools Tracer and Metrics cost.
 *
 * For each: the bundle's sizes (the entry; what a cold start loads, the entry and the chunks it imports
 * statically; and the whole bundle, with the chunks loaded on demand) and its cold module-load time, i.e. a fresh Node process (with a Lambda function's
 * environment) importing the bundle, which runs everything a cold start
 * runs before the first invocation. The three are measured in turns, REPS times (7) after one warm-up round,
 * rotating which goes first; the table shows medians, the ratio of the function's median to the bare handler's
 * (target: at most TARGET, 1.3) and to its own without observability; then the same ratios of the CPU time the
 * loading process spent, which a busy machine disturbs less than the wall clock.
 * ONLY=addLink,listLinks measures some functions; EXPLAIN=1 adds where each function's bytes come from, what
 * every route loads before its own code (an authenticated route that does nothing) and what the heaviest
 * packages cost to load on their own. Never part of `npm test`.
 */
const TARGET = 1.3;
const REPS = Number(process.env.REPS ?? 7);
const ONLY = process.env.ONLY?.split(',').filter(Boolean) as FunctionName[] | undefined;
const EXPLAIN = process.env.EXPLAIN === '1';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Bundle {
  /** The entry, which the handler names. */
  file: string;
  /** The entry's bytes. */
  bytes: number;
  /** The bytes of the entry and the chunks it imports statically: what a cold start reads and compiles. */
  startBytes: number;
  /** The bytes of every module of the bundle, the chunks imported on demand too (source maps aside). */
  totalBytes: number;
  /** The modules a cold start loads (the metafile's output paths). */
  atStart: Set<string>;
  metafile: Metafile;
}

/** The name of a bundle's module given as text (a bare handler, a probe): no file of the project. */
const STDIN_SOURCE = 'probe.ts';

async function bundle(
  outDir: string,
  input: { entry: string } | { contents: string },
  plugins: Plugin[] = [],
): Promise<Bundle> {
  const result = await build({
    ...esbuildOptions(outDir),
    plugins,
    ...('entry' in input
      ? { entryPoints: entryPointOf(input.entry) }
      : { stdin: { contents: input.contents, resolveDir: ROOT, loader: 'ts', sourcefile: STDIN_SOURCE } }),
    metafile: true,
  });
  const { outputs } = result.metafile;
  // Standard input's module is stdin.mjs.
  const entryFile = 'entry' in input ? 'index.mjs' : 'stdin.mjs';
  const entry = Object.keys(outputs).find((path) => basename(path) === entryFile)!;
  const atStart = loadedAtStart(result.metafile, entry);
  const bytesOf = (paths: Iterable<string>) =>
    [...paths].reduce((sum, path) => sum + outputs[path]!.bytes, 0);
  return {
    file: resolve(entry),
    bytes: outputs[entry]!.bytes,
    startBytes: bytesOf(atStart),
    totalBytes: bytesOf(Object.keys(outputs).filter((path) => path.endsWith('.mjs'))),
    atStart,
    metafile: result.metafile,
  };
}

/** The function with shared/tracing.ts and shared/metrics.ts replaced by bench/without-observability/. */
const withoutObservability: Plugin = {
  name: 'without-observability',
  setup(build) {
    build.onLoad({ filter: /\/shared\/(tracing|metrics)\.ts$/ }, (args) => {
      const replacement = join(ROOT, 'bench', 'without-observability', basename(args.path));
      return { loader: 'ts', contents: readFileSync(replacement, 'utf8'), resolveDir: dirname(replacement) };
    });
  },
};

/** The package an input of the bundle belongs to (`src` for the project's own files). */
function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? match[1]! : 'src';
}

/** The inputs of the modules that a cold start loads, with their bytes in the output. */
function inputsAtStart(bundle: Bundle): [string, number][] {
  return [...bundle.atStart].flatMap((output) =>
    Object.entries(bundle.metafile.outputs[output]!.inputs).map(
      ([input, { bytesInOutput }]) => [input, bytesInOutput] as [string, number],
    ),
  );
}

/** Bytes that a cold start loads by package, largest first. */
function bytesByPackage(bundle: Bundle): [string, number][] {
  const sizes = new Map<string, number>();
  for (const [input, bytesInOutput] of inputsAtStart(bundle)) {
    sizes.set(packageOf(input), (sizes.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

/**
 * The value imports from `@aws-sdk/*` in the project's own files that a cold start loads, per package, of the
 * packages whose code the cold start loads: esbuild drops what nothing uses, so a file that imports a client may
 * be loaded without that client (or not at all), and the bare handler then leaves the client out too.
 */
async function sdkImports(bundle: Bundle): Promise<Map<string, Set<string>>> {
  const imports = new Map<string, Set<string>>();
  const inputs = inputsAtStart(bundle)
    .filter(([input, bytesInOutput]) => bytesInOutput > 0 && input !== STDIN_SOURCE)
    .map(([input]) => input);
  const loaded = new Set(inputs.map(packageOf));
  const add = (pkg: string, name: string) => {
    if (loaded.has(pkg)) imports.set(pkg, (imports.get(pkg) ?? new Set()).add(name));
  };
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
  for (const pkg of loaded) {
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

/** A cold load: the milliseconds that the import took, and the process's CPU time meanwhile (all threads). */
interface Load {
  wall: number;
  cpu: number;
}

/** Imports the bundle in a fresh Node process. */
function loadTime(loader: string, file: string, flags: string[] = []): Load {
  const output = execFileSync(process.execPath, [...flags, loader, file], {
    // What Lambda sets (tracing active; the X-Ray SDK and Powertools read these as their module loads), with no
    // invocation yet: no trace header.
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
      LAMBDA_TASK_ROOT: dirname(file),
      AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
      AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
      POWERTOOLS_SERVICE_NAME: 'delinkcious',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    encoding: 'utf8',
  });
  const [wall, cpu] = output.trim().split(' ').map(Number);
  return { wall: wall!, cpu: cpu! };
}

type Variant = 'fn' | 'plain' | 'bare';
const VARIANTS: Variant[] = ['fn', 'plain', 'bare'];

/** Loads each function, its plain variant and its bare handler in turns, round after round, rotating the order. */
function measure(loader: string, rows: Row[], flags?: string[], variants: Variant[] = VARIANTS): void {
  for (let round = 0; round <= REPS; round++) {
    for (const row of rows) {
      const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
      for (const which of order) {
        const took = loadTime(loader, row[which].file, flags);
        if (round > 0) row.samples[which].push(took);
      }
    }
  }
}

const median = (row: Row, which: Variant, of: keyof Load = 'wall') =>
  percentile(
    row.samples[which].map((load) => load[of]),
    50,
  );
const ratioOf = (row: Row, to: Variant = 'bare', of: keyof Load = 'wall') =>
  median(row, 'fn', of) / median(row, to, of);
const emptySamples = (): Record<Variant, Load[]> => ({ fn: [], plain: [], bare: [] });

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number) => value.toFixed(1);

interface Row {
  /** A deployed function's name, or what a probe stands for. */
  name: string;
  /** The function as deployed. */
  fn: Bundle;
  /** The same function without Powertools Tracer and Metrics. */
  plain: Bundle;
  bare: Bundle;
  samples: Record<Variant, Load[]>;
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
        'const cpu = process.cpuUsage();',
        'const module = await import(pathToFileURL(process.argv[2]).href);',
        'const { user, system } = process.cpuUsage(cpu);',
        "if (typeof module.handler !== 'function') throw new Error('no handler');",
        'console.log(performance.now() - started, (user + system) / 1000);',
      ].join('\n'),
    );
    const names = deployedFunctionNames().filter((name) => !ONLY || ONLY.includes(name));
    console.log(
      `Bundling ${names.length} functions, each also without observability, and their bare handlers into ${dir} ...`,
    );
    const rows: Row[] = [];
    const bareByContents = new Map<string, Bundle>();
    for (const name of names) {
      const fnDir = join(dir, name);
      mkdirSync(fnDir);
      const entry = join(ROOT, 'functions', `${functions[name].entry}.ts`);
      const fn = await bundle(fnDir, { entry });
      writeFilesBeside(functions[name].entry, fnDir);
      mkdirSync(join(fnDir, 'plain'));
      const plain = await bundle(join(fnDir, 'plain'), { entry }, [withoutObservability]);
      writeFilesBeside(functions[name].entry, join(fnDir, 'plain'));
      const contents = bareHandler(await sdkImports(fn));
      let bare = bareByContents.get(contents);
      if (!bare) {
        const bareDir = join(dir, `bare-${bareByContents.size}`);
        mkdirSync(bareDir);
        bare = await bundle(bareDir, { contents });
        bareByContents.set(contents, bare);
      }
      rows.push({ name, fn, plain, bare, samples: emptySamples() });
    }

    console.log(
      `Loading each in a fresh Node process (${process.version}, the functions' NODE_OPTIONS: none): 1 warm-up + ${REPS} rounds, the three in turns ...`,
    );
    measure(loader, rows);

    const width = Math.max(...rows.map((row) => row.name.length));
    const columns = [
      'entry',
      'at start',
      'total',
      'plain',
      'bare',
      'load p50',
      'plain p50',
      'bare p50',
      '/bare',
      '/plain',
      'cpu /bare',
      'cpu /plain',
    ];
    console.log(
      '\nBytes: the entry; at start, the entry and the chunks it imports (what a cold start compiles); the total, ' +
        'with the chunks imported on demand; plain and bare, at start.',
    );
    console.log(`${'function'.padEnd(width)}  ${columns.map((c) => c.padStart(9)).join('  ')}`);
    for (const row of rows) {
      const cells = [
        kb(row.fn.bytes),
        kb(row.fn.startBytes),
        kb(row.fn.totalBytes),
        kb(row.plain.startBytes),
        kb(row.bare.startBytes),
        `${ms(median(row, 'fn'))} ms`,
        `${ms(median(row, 'plain'))} ms`,
        `${ms(median(row, 'bare'))} ms`,
        ratioOf(row).toFixed(2),
        ratioOf(row, 'plain').toFixed(2),
        ratioOf(row, 'bare', 'cpu').toFixed(2),
        ratioOf(row, 'plain', 'cpu').toFixed(2),
      ];
      console.log(
        `${row.name.padEnd(width)}  ${cells.map((c) => c.padStart(9)).join('  ')}${ratioOf(row) > TARGET ? '  over' : ''}`,
      );
    }
    const summary = (label: string, ratios: number[]) =>
      `${label}: median ${percentile(ratios, 50).toFixed(2)}, worst ${Math.max(...ratios).toFixed(2)}`;
    const over = rows.filter((row) => ratioOf(row) > TARGET).map((row) => row.name);
    console.log(
      `\n${summary(
        "/bare, the function's load over its bare handler's",
        rows.map((row) => ratioOf(row)),
      )}; ` +
        `target <= ${TARGET}: ${over.length === 0 ? 'met by every function' : `missed by ${over.length} of ${rows.length} (${over.join(', ')})`}`,
    );
    console.log(
      summary(
        '/plain, over the same function without Tracer and Metrics',
        rows.map((row) => ratioOf(row, 'plain')),
      ),
    );
    console.log(
      `${summary(
        'cpu /bare, the same in CPU time',
        rows.map((row) => ratioOf(row, 'bare', 'cpu')),
      )}; ` +
        summary(
          'cpu /plain',
          rows.map((row) => ratioOf(row, 'plain', 'cpu')),
        ),
    );
    console.log(
      `load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}`,
    );

    if (EXPLAIN) await explain(dir, loader, rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What every route loads before any code of its own: the HTTP gate and the handler's wrapper
 * (shared/http/handler.ts), the settings, the session's model, the Logger and Metrics. A route declared as
 * listLinks is, whose work does nothing, measured as the functions are, beside its own bare handler and without
 * observability.
 */
async function platformFloor(dir: string, loader: string): Promise<void> {
  const contents =
    "import { route } from './shared/http/handler.ts'; " +
    "export const handler = route('listLinks', async () => ({ status: 200, body: {} }));";
  const floorDir = join(dir, 'platform');
  mkdirSync(join(floorDir, 'plain'), { recursive: true });
  const fn = await bundle(floorDir, { contents });
  const plain = await bundle(join(floorDir, 'plain'), { contents }, [withoutObservability]);
  const bareDir = join(dir, 'platform-bare');
  mkdirSync(bareDir);
  const bare = await bundle(bareDir, { contents: bareHandler(await sdkImports(fn)) });
  const row: Row = {
    name: 'an authenticated route that does nothing',
    fn,
    plain,
    bare,
    samples: emptySamples(),
  };
  measure(loader, [row]);
  console.log(
    `\nThe platform every route loads (${row.name}), ${REPS} rounds: ${kb(fn.startBytes)} at start against ` +
      `${kb(bare.startBytes)}; ${ms(median(row, 'fn'))} ms, without observability ${ms(median(row, 'plain'))} ms, ` +
      `its bare handler ${ms(median(row, 'bare'))} ms: /bare ${ratioOf(row).toFixed(2)}, /plain ` +
      `${ratioOf(row, 'plain').toFixed(2)}, cpu /bare ${ratioOf(row, 'bare', 'cpu').toFixed(2)}`,
  );
}

/** Where the bytes of each function come from beyond the SDK, and what the heaviest packages cost alone. */
async function explain(dir: string, loader: string, rows: Row[]): Promise<void> {
  console.log('\nBytes beyond the bare handler, by package (largest first):');
  const heavy = new Map<string, number>();
  for (const row of rows) {
    const bare = new Map(bytesByPackage(row.bare));
    const extra = bytesByPackage(row.fn)
      .map(([pkg, bytes]) => [pkg, bytes - (bare.get(pkg) ?? 0)] as const)
      .filter(([, bytes]) => bytes > 4096);
    for (const [pkg, bytes] of extra) heavy.set(pkg, Math.max(heavy.get(pkg) ?? 0, bytes));
    console.log(`  ${row.name}: ${extra.map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`).join(', ')}`);
  }
  const probes: Record<string, string> = {
    'zod/mini (shared/zod.ts, as functions do)':
      "import * as z from './shared/zod.ts'; export const handler = () => z.object({ a: z.string() });",
    'zod, classic (import * as z)':
      "import * as z from 'zod'; export const handler = () => z.object({ a: z.string() });",
    'zod, classic (import { z }, all of it)':
      "import { z } from 'zod'; export const handler = () => z.object({ a: z.string() });",
    // What building schemas costs as a module loads: 100 small objects, as a function builds a few hundred schemas.
    'zod/mini, 100 schemas built':
      "import * as z from './shared/zod.ts'; const all = Array.from({ length: 100 }, (_, i) => z.object({ [`f${i}`]: z.optional(z.string().check(z.maxLength(i + 1))) })); export const handler = () => all;",
    'zod, classic, 100 schemas built':
      "import * as z from 'zod'; const all = Array.from({ length: 100 }, (_, i) => z.object({ [`f${i}`]: z.string().max(i + 1).optional() })); export const handler = () => all;",
    re2js: "import { RE2JS } from 're2js'; export const handler = (e: string) => RE2JS.compile(e);",
    '@aws-lambda-powertools/logger':
      "import { Logger } from '@aws-lambda-powertools/logger'; const logger = new Logger(); export const handler = () => logger;",
    '@aws-lambda-powertools/metrics':
      "import { Metrics } from '@aws-lambda-powertools/metrics'; const metrics = new Metrics(); export const handler = () => metrics;",
    // What the first sampled invocation loads (shared/tracing.ts), on top of the cold start measured above.
    '@aws-lambda-powertools/tracer':
      "import { Tracer } from '@aws-lambda-powertools/tracer'; const tracer = new Tracer({ captureHTTPsRequests: false }); export const handler = () => tracer;",
    'zod-openapi':
      "import { createDocument } from 'zod-openapi'; export const handler = (e: never) => createDocument(e);",
    nothing: 'export const handler = () => 1;',
  };
  console.log('\nEach alone, bundled the same way (medians of 7 fresh processes):');
  for (const [label, contents] of Object.entries(probes)) {
    const probeDir = join(dir, `probe-${label.replace(/\W+/g, '-')}`);
    mkdirSync(probeDir);
    const probe = await bundle(probeDir, { contents });
    const samples = Array.from({ length: 8 }, () => loadTime(loader, probe.file).wall).slice(1);
    console.log(
      `  ${label.padEnd(40)} ${kb(probe.startBytes).padStart(8)}  ${ms(percentile(samples, 50)).padStart(6)} ms`,
    );
  }
  console.log(`  (packages over 4 KB seen beyond the SDK: ${[...heavy.keys()].join(', ')})`);
  await platformFloor(dir, loader);

  console.log(
    '\nWhat-if, measured the same way (ratio of medians per function, function over bare handler):',
  );
  const withSourceMaps = rows.map((row) => ({ ...row, samples: emptySamples() }));
  measure(loader, withSourceMaps, ['--enable-source-maps'], ['fn', 'bare']);
  const width = Math.max(...rows.map((row) => row.name.length));
  console.log(`  ${'function'.padEnd(width)}  deployed  with --enable-source-maps (both)`);
  rows.forEach((row, i) => {
    console.log(
      `  ${row.name.padEnd(width)}  ${ratioOf(row).toFixed(2).padStart(8)}  ${ratioOf(withSourceMaps[i]!).toFixed(2).padStart(32)}`,
    );
  });
}

await main();
