import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, aws_lambda as lambda } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  BUNDLE,
  FUNCTION_HANDLER,
  entryPointOf,
  esbuildOptions,
  functionEntry,
  loadedAtStart,
} from '../../lib/bundling.ts';
import { GITHUB_CALLBACK_PATH, functionCode } from '../../lib/functions.ts';
import { openApiDocument } from '../../shared/openapi.ts';
import { PREBUILT_OPENAPI_FILE, PREBUILT_VERSION } from '../../shared/ops/openapi-document.ts';
import {
  EVENT_SIZE,
  HTTP_SIZE,
  SEARCH_SIZE,
  buckets,
  deployedFunctionNames,
  eventSources,
  functions,
  httpFunctionNames,
  isDeployed,
  isLocalOnly,
  queues,
  answersPosts,
  idempotentRequests,
  rateLimiting,
  routes,
  tables,
  type BucketName,
  type FunctionDeclaration,
  type FunctionName,
  type TableName,
} from '../../shared/wiring.ts';
import {
  flat,
  resource,
  resourcesOfType,
  synthesize,
  TEST_APP_VERSION,
  TEST_GITHUB_CLIENT_ID,
} from './support.ts';

const deployed = deployedFunctionNames();
const declaration = (name: FunctionName): FunctionDeclaration => functions[name];
const servesHttp = (name: FunctionName) => httpFunctionNames().includes(name);

describe('the functions, given the wiring', () => {
  const { service, wholeServiceTemplate, acrossStacks, logicalId, references, referencedLogicalIds, data } =
    synthesize('dev');
  // The site's URL, which the delivery tier's tests check is the distribution's domain (a nested stack's output);
  // the functions, in their contexts' nested stacks, are given it as a parameter.
  const siteUrl = flat(acrossStacks(wholeServiceTemplate.findOutputs('SiteUrl').SiteUrl!.Value));
  const fn = (name: FunctionName) => service.functions.get(name)!;
  const lambda = (name: FunctionName) => resource(wholeServiceTemplate, logicalId(fn(name).function));
  const variables = (name: FunctionName) =>
    (lambda(name).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

  it("deploys one Lambda function per deployed function, and else only CDK's handlers of deployment tasks", () => {
    const lambdas = Object.keys(resourcesOfType(wholeServiceTemplate, 'AWS::Lambda::Function'));
    const cdkHandlers = [
      /^BucketNotificationsHandler/, // S3 notifications to queues
      /^CustomCDKBucketDeployment/, // the web client into its bucket (delivery tier)
      /^CustomS3AutoDeleteObjectsCustomResourceProviderHandler/, // emptying the client's bucket on removal (idem)
    ];
    for (const handler of cdkHandlers)
      expect(
        lambdas.filter((id) => handler.test(id)),
        String(handler),
      ).toHaveLength(1);
    expect(lambdas).toHaveLength(deployed.length + cdkHandlers.length);
    expect([...service.functions.keys()].sort()).toEqual([...deployed].sort());
  });

  it('never deploys a local-only function', () => {
    const localOnly = (Object.keys(functions) as FunctionName[]).filter((name) => isLocalOnly(name));

    expect(localOnly).toContain('devLogin');
    for (const name of localOnly) expect(service.functions.has(name)).toBe(false);
    const descriptions = Object.values(resourcesOfType(wholeServiceTemplate, 'AWS::Lambda::Function')).map(
      (f) => String(f.Properties.Description),
    );
    for (const name of localOnly) {
      expect(descriptions.filter((d) => d.includes(` ${declaration(name).entry} `))).toEqual([]);
    }
  });

  it.each(deployed)('runs %s on Node.js 24 on arm64, traced by X-Ray, from an ES module bundle', (name) => {
    expect(lambda(name).Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
    });
  });

  it.each(deployed)('sizes %s as its declaration says, with a reason', (name) => {
    const size = declaration(name).size;

    expect(lambda(name).Properties).toMatchObject({
      MemorySize: size.memoryMb,
      Timeout: size.timeoutSeconds,
    });
    expect(size.why.length).toBeGreaterThan(20);
  });

  it('sizes HTTP handlers for short requests and event consumers for batches', () => {
    expect(functions.addLink.size).toMatchObject({ memoryMb: HTTP_SIZE.memoryMb, timeoutSeconds: 10 });
    // The listings that search hold a user's index in memory.
    expect(functions.listLinks.size).toMatchObject({ memoryMb: SEARCH_SIZE.memoryMb, timeoutSeconds: 10 });
    expect(functions.writeFeeds.size).toMatchObject({ memoryMb: EVENT_SIZE.memoryMb, timeoutSeconds: 30 });
    // It serves a document written when it was bundled.
    expect(functions.openapi.size.memoryMb).toBeLessThan(HTTP_SIZE.memoryMb);
  });

  it.each(deployed.filter((name) => httpFunctionNames().includes(name)))(
    'gives %s, which serves HTTP, less time than API Gateway waits (30 s)',
    (name) => {
      expect(declaration(name).size.timeoutSeconds).toBeLessThan(30);
    },
  );

  it.each(deployed)('tells %s only names and settings: its tables, queues, buckets and secrets', (name) => {
    const own = declaration(name);
    const ownTables = new Set(Object.keys(own.tables) as TableName[]);
    if (servesHttp(name)) ownTables.add(rateLimiting.table);
    if (answersPosts(name)) ownTables.add(idempotentRequests.table);
    const ownQueues = own.sendsTo ?? [];
    const ownBuckets = Object.keys(own.buckets ?? {}) as BucketName[];

    expect(Object.keys(variables(name)).sort()).toEqual(
      [
        'APP_VERSION',
        'POWERTOOLS_SERVICE_NAME',
        'STAGE',
        ...[...ownTables].map((table) => tables[table].envVar),
        ...ownQueues.map((queue) => queues[queue].envVar),
        ...ownBuckets.map((bucket) => buckets[bucket].envVar),
        ...(servesHttp(name)
          ? [
              'RATE_LIMIT_PER_SECOND',
              'RATE_LIMIT_BURST',
              'RATE_LIMIT_CLAIM_SIZE',
              'RATE_LIMIT_LEASE_SECONDS',
              'SERVICE_URL',
            ]
          : []),
        ...(own.pageTokens ? ['PAGE_TOKEN_SECRET_ARN'] : []),
        ...(own.githubApp ? ['GITHUB_CLIENT_ID', 'GITHUB_CALLBACK_URL'] : []),
        ...(own.githubSecret ? ['GITHUB_CLIENT_SECRET_ARN'] : []),
      ].sort(),
    );
    for (const table of ownTables) {
      expect(references(variables(name)[tables[table].envVar])).toEqual(
        new Set([logicalId(data.tables[table])]),
      );
    }
    for (const queue of ownQueues) {
      expect(referencedLogicalIds(variables(name)[queues[queue].envVar])).toEqual(
        new Set([logicalId(service.queues[queue])]),
      );
    }
    expect(variables(name)).toMatchObject({ APP_VERSION: TEST_APP_VERSION });
  });

  it.each(deployed)('keeps every secret of %s out of its environment, naming secrets by ARN only', (name) => {
    for (const [key, value] of Object.entries(variables(name))) {
      if (/SECRET|PASSWORD|TOKEN/.test(key)) {
        expect(key, key).toMatch(/_ARN$/);
        const secrets = [data.secrets.pageTokenSecret!, data.secrets.githubClientSecret!].map((s) =>
          logicalId(s),
        );
        expect(secrets).toContain([...referencedLogicalIds(value)][0]);
      }
      if (typeof value === 'string') expect(value.length, key).toBeLessThan(100);
    }
  });

  it('limits each client of an HTTP function to 12 requests per second, bursts of 80, claimed four at a time for 10 s', () => {
    const http = deployed.filter(servesHttp);

    expect(http).toEqual(expect.arrayContaining(['healthz', 'notFound', 'listLinks']));
    for (const name of http) {
      expect(variables(name), name).toMatchObject({
        RATE_LIMIT_PER_SECOND: '12',
        RATE_LIMIT_BURST: '80',
        RATE_LIMIT_CLAIM_SIZE: '4',
        RATE_LIMIT_LEASE_SECONDS: '10',
      });
    }
  });

  it('tells the GitHub login functions the client ID and the callback URL on the site', () => {
    const gitHub = deployed.filter((name) => declaration(name).githubApp);

    expect(gitHub).toEqual(expect.arrayContaining(['login', 'loginCallback']));
    for (const name of gitHub) {
      const callbackUrl = variables(name).GITHUB_CALLBACK_URL;
      expect(variables(name).GITHUB_CLIENT_ID).toBe(TEST_GITHUB_CLIENT_ID);
      expect(flat(acrossStacks(callbackUrl))).toBe(`${siteUrl}${GITHUB_CALLBACK_PATH}`);
    }
  });

  it("tells every HTTP function the site's URL, where feeds and pages link to", () => {
    for (const name of deployed.filter(servesHttp)) {
      expect(flat(acrossStacks(variables(name).SERVICE_URL)), name).toBe(siteUrl);
    }
  });

  it('has a deployed GET route at the callback path, to the function that reads the GitHub secret', () => {
    const callback = routes.filter(isDeployed).find((r) => r.path === GITHUB_CALLBACK_PATH);

    expect(callback?.method).toBe('GET');
    expect(declaration(callback!.function).githubSecret).toBe(true);
  });

  it.each(deployed)('writes the logs of %s to its own group, kept two weeks in dev', (name) => {
    const logGroupId = [...referencedLogicalIds(lambda(name).Properties.LoggingConfig)][0]!;

    expect(logGroupId).toBe(logicalId(fn(name).logGroup));
    expect(resource(wholeServiceTemplate, logGroupId).Properties.RetentionInDays).toBe(14);
  });

  it('keeps the logs three months in prod', () => {
    const prod = synthesize('prod');
    const groups = Object.entries(resourcesOfType(prod.wholeServiceTemplate, 'AWS::Logs::LogGroup'));

    expect(groups.length).toBeGreaterThan(deployed.length);
    for (const [id, group] of groups) expect(group.Properties.RetentionInDays, id).toBe(90);
  });

  it('triggers only the functions that the wiring connects to streams, queues and schedules', () => {
    const triggered = new Set(eventSources.map((s) => s.function));
    expect([...triggered].every((name) => service.functions.has(name))).toBe(true);
  });
});

describe('bundling, shared by the CDK and the bundle benchmark', () => {
  it('bundles split ES modules for Node 24, minified, with source maps and the AWS SDK inside', () => {
    expect(esbuildOptions('/tmp/out')).toMatchObject({
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      splitting: true,
      outdir: '/tmp/out',
      entryNames: '[name]',
      outExtension: { '.js': '.mjs' },
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      external: [],
      banner: { js: BUNDLE.banner },
    });
    expect(FUNCTION_HANDLER).toBe('index.handler');
  });

  it('stages for each function the very files that the benchmark bundles, byte for byte, each with its map', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'delinkcious-bundle-'));
    try {
      const entries = { Healthz: 'ops/healthz', ListLinks: 'links/list-links' };
      const { directory, staged: stagedOf } = synthesizeFunctions(dir, entries);
      const modules = (outdir: string) =>
        readdirSync(outdir)
          .filter((file) => file.endsWith('.mjs'))
          .sort();
      const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
      const stagedEntries = new Set<string>();

      for (const [id, entry] of Object.entries(entries)) {
        const staged = stagedOf(id);
        // Beside the staged asset: the maps name the sources relative to their directory, and the chunks' names
        // hash their maps too.
        const own = join(directory, `own-${id}`);
        await build({ ...esbuildOptions(own), entryPoints: entryPointOf(functionEntry(entry)) });
        stagedEntries.add(digest(join(staged, 'index.mjs')));

        expect(modules(staged)).toContain('index.mjs');
        expect(modules(staged)).toEqual(modules(own));
        for (const file of modules(staged)) {
          expect(digest(join(staged, file)), file).toBe(digest(join(own, file)));
          // Read by the logger when it logs an error (shared/stack-traces.ts), not by Node at every cold start.
          expect(digest(join(staged, `${file}.map`)), file).toBe(digest(join(own, `${file}.map`)));
        }
      }
      // Each function its own bundle: the CDK tells assets of one source directory apart by their options.
      expect(stagedEntries.size).toBe(Object.keys(entries).length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stages the deployed routes' OpenAPI document beside the bundle of the function that serves it, whose cold start loads no OpenAPI description", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'delinkcious-bundle-'));
    try {
      const staged = synthesizeFunctions(dir, { OpenApi: functions.openapi.entry }).staged('OpenApi');

      const written: unknown = JSON.parse(readFileSync(join(staged, PREBUILT_OPENAPI_FILE), 'utf8'));

      expect(written).toEqual(
        JSON.parse(JSON.stringify(openApiDocument(routes.filter(isDeployed), PREBUILT_VERSION))),
      );
      expect(Object.keys((written as { paths: object }).paths)).not.toContain('/dev/login');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The document is built where the sources run (the local runtime); the bundle holds no part of that.
    const { atStart, later } = await packagesOfBundle(functions.openapi.entry);
    expect([...atStart, ...later]).not.toContain('zod-openapi');
    const { metafile } = await bundleOf(functions.openapi.entry);
    expect(Object.keys(metafile.inputs)).not.toContain('shared/openapi.ts');
  });

  it('leaves what only some requests need out of what a cold start loads: chunks imported on demand', async () => {
    const { atStart, later } = await packagesOfBundle('links/list-links');

    for (const onDemand of [
      '@aws-lambda-powertools/tracer',
      '@aws-lambda-powertools/idempotency',
      're2js',
      'minisearch',
      // The search index's bucket; the export's bucket is no concern of the listing.
      '@aws-sdk/client-s3',
    ]) {
      expect(atStart, onDemand).not.toContain(onDemand);
      expect(later, onDemand).toContain(onDemand);
    }
    expect(atStart).toContain('@aws-lambda-powertools/logger');
  });

  it("loads the S3 client at the start of no link listing: only the export's, import's and snapshot's functions need it", async () => {
    for (const entry of ['links/list-links', 'links/list-public-links', 'links/add-link']) {
      expect((await packagesOfBundle(entry)).atStart, entry).not.toContain('@aws-sdk/client-s3');
    }
    expect((await packagesOfBundle('links/export-links')).atStart).toContain('@aws-sdk/client-s3');
  });

  it('gives the HTML parser only to the function that reads pages: the check, not the snapshot route or the dispatcher', async () => {
    for (const entry of ['checker/get-snapshot', 'checker/enqueue-link-checks']) {
      const { atStart, later } = await packagesOfBundle(entry);
      expect(new Set([...atStart, ...later]), entry).not.toContain('htmlparser2');
    }
    expect((await packagesOfBundle('checker/check-link')).atStart).toContain('htmlparser2');
  });

  it("gives the address allowlist's parser only to the check, not to the dispatcher or the schedule that queue checks", async () => {
    for (const entry of ['checker/enqueue-link-checks', 'checker/recheck-stale-links']) {
      const { atStart, later } = await packagesOfBundle(entry);
      expect(new Set([...atStart, ...later]), entry).not.toContain('ipaddr.js');
    }
    expect((await packagesOfBundle('checker/check-link')).atStart).toContain('ipaddr.js');
  });

  it('builds the link model only in the functions that read link items: not in the news, profile or token routes', async () => {
    for (const entry of [
      'news/get-news',
      'news/news-feed',
      'users/me',
      'users/get-user',
      'users/list-tokens',
    ]) {
      expect(await sourcesAtStart(entry), entry).not.toContain('shared/links/model.ts');
    }
    expect(await sourcesAtStart('news/write-feeds')).toContain('shared/links/model.ts');
  });

  it("leaves the functions' declarations out of a function's bundle: only the CDK app and the local runtime read them", async () => {
    const entries = Object.values(functions).map((declared) => declared.entry);
    for (const entry of ['ops/healthz', 'users/list-tokens', 'links/list-links', 'news/write-feeds']) {
      const { outputFiles } = await bundleOf(entry);
      const code = outputFiles
        .filter((file) => file.path.endsWith('.mjs'))
        .map((file) => file.text)
        .join('\n');
      expect(
        entries.filter((declared) => code.includes(`"${declared}"`)),
        entry,
      ).toEqual([]);
    }
  });

  it("builds a function's schemas with zod/mini: the classic API, which the OpenAPI descriptions use, is in no bundle", async () => {
    for (const entry of [
      'links/list-links',
      'links/add-link',
      'news/get-news',
      'checker/check-link',
      'ops/healthz',
      'ops/openapi',
    ]) {
      expect(await zodApisOfBundle(entry), entry).toEqual(new Set(['mini']));
    }
  });
});

/**
 * A stack of the functions of these entries (by construct id), synthesized into `dir` as `cdk deploy` would: the
 * assembly's directory, and the directory each function's code asset is staged in.
 */
function synthesizeFunctions(dir: string, entries: Record<string, string>) {
  const app = new App({ outdir: join(dir, 'cdk.out'), context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Probe');
  for (const [id, entry] of Object.entries(entries)) new lambda.Function(stack, id, functionCode(entry));
  const assembly = app.synth();
  const template = assembly.getStackByName('Probe').template as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  return {
    directory: assembly.directory,
    staged(id: string): string {
      const [, fn] = Object.entries(template.Resources).find(
        ([logicalId, r]) => r.Type === 'AWS::Lambda::Function' && logicalId.startsWith(id),
      )!;
      return join(assembly.directory, fn.Metadata!['aws:asset:path']!);
    },
  };
}

/**
 * A function's bundle, built in memory as the CDK builds it: its files, its metafile, and the output files that a
 * cold start loads (the entry and the chunks it imports statically).
 */
async function bundleOf(entry: string) {
  const { outputFiles, metafile } = await build({
    ...esbuildOptions(join(tmpdir(), 'delinkcious-bundle')),
    entryPoints: entryPointOf(functionEntry(entry)),
    write: false,
    metafile: true,
  });
  const entryFile = Object.keys(metafile.outputs).find((file) => file.endsWith('/index.mjs'))!;
  return { outputFiles, metafile, atStart: loadedAtStart(metafile, entryFile) };
}

/** Which of zod's APIs a function's bundle holds: `classic` (the chainable one) and `mini`. */
async function zodApisOfBundle(entry: string): Promise<Set<string>> {
  const { metafile } = await bundleOf(entry);
  return new Set(
    Object.keys(metafile.inputs).flatMap(
      (input) => /node_modules\/zod\/v4\/(classic|mini)\//.exec(input)?.[1] ?? [],
    ),
  );
}

/** The project's own source files in what a function's cold start loads (the entry and its static chunks). */
async function sourcesAtStart(entry: string): Promise<Set<string>> {
  const { metafile, atStart } = await bundleOf(entry);
  return new Set(
    [...atStart].flatMap((file) =>
      Object.keys(metafile.outputs[file]!.inputs).filter((input) => !input.includes('node_modules')),
    ),
  );
}

/**
 * The packages in a function's bundle: those of what a cold start loads (the entry and the chunks it imports
 * statically), and those of the chunks imported on demand.
 */
async function packagesOfBundle(entry: string): Promise<{ atStart: Set<string>; later: Set<string> }> {
  const { metafile, atStart } = await bundleOf(entry);
  const outputs = metafile.outputs;
  const packagesOf = (files: Iterable<string>) =>
    new Set(
      [...files].flatMap((file) =>
        Object.keys(outputs[file]!.inputs).map(
          (input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? '',
        ),
      ),
    );
  return {
    atStart: packagesOf(atStart),
    later: packagesOf(Object.keys(outputs).filter((file) => !atStart.has(file))),
  };
}
