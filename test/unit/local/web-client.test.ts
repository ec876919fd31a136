import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { acceptsGzip, webClientAnswer, webClientBuildIsStale } from '../../../local/web-client.ts';
import { cspDirectives } from '../../support/page-policy.ts';

/** The local runtime's side of the web client: which GET paths the built files answer, and when to rebuild. */

let folder: string;
let build: string;
let sources: string;
const INDEX =
  '<!doctype html><title>Delinkcious</title><script type="module" src="/assets/index-abc.js"></script>';

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'web-client-'));
  build = join(folder, 'build');
  sources = join(folder, 'web');
  mkdirSync(join(build, 'assets'), { recursive: true });
  mkdirSync(join(sources, 'src'), { recursive: true });
  writeFileSync(join(build, 'index.html'), INDEX);
  writeFileSync(join(build, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(folder, 'secret.txt'), 'not to be served');
  writeFileSync(join(sources, 'src', 'main.tsx'), '');
  // No bucket to upload to unless a test names one.
  vi.stubEnv('IMPORTS_BUCKET', '');
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe("answering the client's paths", () => {
  it.each([
    ['/'],
    ['/sign-in'],
    ['/add'],
    ['/edit'],
    ['/help'],
    ['/news'],
    ['/people'],
    ['/people/alice'],
    ['/account'],
    ['/account/import'],
    ['/account/export'],
    ['/account/tokens'],
  ])(
    "given the client's path %s, when asked, then its index.html is the answer, with the page's security headers",
    async (path) => {
      const answer = await webClientAnswer(build, path);

      expect(answer?.status).toBe(200);
      expect(answer?.body.toString()).toBe(INDEX);
      expect(answer?.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer?.headers['x-content-type-options']).toBe('nosniff');
      expect(answer?.headers['x-frame-options']).toBe('DENY');
      const csp = cspDirectives(answer?.headers['content-security-policy'] ?? '');
      expect(csp.get('default-src')).toEqual(["'none'"]);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('style-src')).toEqual(["'self'"]);
      expect(csp.get('connect-src')).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    },
  );

  it('given the imports bucket on the local S3, when the page is asked, then its CSP lets it upload there and nowhere else', async () => {
    vi.stubEnv('IMPORTS_BUCKET', 'delinkcious-imports');
    vi.stubEnv('AWS_ENDPOINT_URL_S3', 'http://127.0.0.1:4566');
    vi.stubEnv('S3_FORCE_PATH_STYLE', 'true');

    const answer = await webClientAnswer(build, '/account/import');

    const csp = cspDirectives(answer?.headers['content-security-policy'] ?? '');
    expect(csp.get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:4566']);
  });

  it('given a built script, when asked under /assets/, then it is served as JavaScript, cacheable for good', async () => {
    const answer = await webClientAnswer(build, '/assets/index-abc.js');

    expect(answer?.body.toString()).toBe('console.log(1)');
    expect(answer?.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer?.headers['cache-control']).toContain('immutable');
  });

  it('given a browser that takes gzip, when it asks for a script or the page, then they come gzipped', async () => {
    const script = await webClientAnswer(build, '/assets/index-abc.js', 'gzip, deflate, br, zstd');
    const page = await webClientAnswer(build, '/', 'gzip');

    expect(script?.headers['content-encoding']).toBe('gzip');
    expect(script?.headers['vary']).toBe('accept-encoding');
    expect(gunzipSync(script!.body).toString()).toBe('console.log(1)');
    expect(page?.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(page!.body).toString()).toBe(INDEX);
  });

  it('given a client that does not take gzip, when it asks for a script, then it comes as it is', async () => {
    const answer = await webClientAnswer(build, '/assets/index-abc.js');

    expect(answer?.headers['content-encoding']).toBeUndefined();
    expect(answer?.headers['vary']).toBe('accept-encoding');
    expect(answer?.body.toString()).toBe('console.log(1)');
  });

  it('given a font, when a browser that takes gzip asks for it, then it comes as it is (compressed already)', async () => {
    writeFileSync(join(build, 'assets', 'font-abc.woff2'), 'wOF2');

    const answer = await webClientAnswer(build, '/assets/font-abc.woff2', 'gzip');

    expect(answer?.headers['content-encoding']).toBeUndefined();
    expect(answer?.body.toString()).toBe('wOF2');
  });

  it.each([
    ['gzip', true],
    ['deflate, GZIP;q=0.5', true],
    ['*', true],
    ['gzip;q=0', false],
    ['gzip; q=0.000, br', false],
    ['br, deflate', false],
    ['', false],
    [undefined, false],
  ])('given Accept-Encoding %j, then gzip is taken: %s', (header, taken) => {
    expect(acceptsGzip(header)).toBe(taken);
  });

  it.each([
    ['/assets/missing-abc.js'],
    ['/assets/../../secret.txt'],
    ['/assets/..%2F..%2Fsecret.txt'],
    ['/secret.txt'],
    ['/links/more'],
    ['/v1/nothing'],
    ['/people/'],
    ['/people/alice/links'],
    ['/people/%E0%A4%A'],
  ])(
    'given %s, which is neither a client path nor a built file, when asked, then nothing answers (the API 404 stays)',
    async (path) => {
      expect(await webClientAnswer(build, path)).toBeUndefined();
    },
  );

  it('given no build, when a client path is asked, then nothing answers', async () => {
    expect(await webClientAnswer(join(folder, 'nowhere'), '/')).toBeUndefined();
  });
});

describe('deciding whether to build the client', () => {
  const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

  it('given a build newer than every source, when checked, then it is up to date', () => {
    at(join(sources, 'src', 'main.tsx'), 1_000);
    at(join(build, 'index.html'), 2_000);

    expect(webClientBuildIsStale(sources, build)).toBe(false);
  });

  it('given a source changed after the build, when checked, then the build is stale', () => {
    at(join(build, 'index.html'), 2_000);
    at(join(sources, 'src', 'main.tsx'), 3_000);

    expect(webClientBuildIsStale(sources, build)).toBe(true);
  });

  it('given no build, when checked, then it is stale', () => {
    rmSync(join(build, 'index.html'));

    expect(webClientBuildIsStale(sources, build)).toBe(true);
  });
});
