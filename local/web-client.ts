import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { presignedUrlOrigin } from '../shared/aws/s3.ts';
import { NOSNIFF, webClientSecurityHeaders } from '../shared/http/page-security.ts';
import { buckets, type BucketDeclaration } from '../shared/wiring.ts';
import { ASSETS_PREFIX, isClientPath } from '../web/src/paths.ts';

/**
 * The web client (web/) on the local runtime: built once by Vite when its build is missing or older than its
 * sources, and served from build/web/ on the API's own origin. On AWS the delivery tier (lib/delivery.ts:
 * CloudFront and S3) serves the same build; the client never runs in a Lambda function.
 */
export const WEB_CLIENT_SOURCES = fileURLToPath(new URL('../web', import.meta.url));
export const WEB_CLIENT_BUILD = fileURLToPath(new URL('../build/web', import.meta.url));

/** The newest modification time among the client's sources (web/, its index.html, config and src/). */
function newestSourceTime(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceTime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether build/web/ is missing or older than any source of the client. */
export function webClientBuildIsStale(sources = WEB_CLIENT_SOURCES, build = WEB_CLIENT_BUILD): boolean {
  const index = join(build, 'index.html');
  if (!existsSync(index)) return true;
  return statSync(index).mtimeMs < newestSourceTime(sources);
}

/**
 * Builds the client with Vite (web/vite.config.ts) unless its build is up to date; says whether it built. The
 * build goes to a folder of its own and then takes build/web/'s place, so that two processes that build at once
 * (a test run's setup and an `npm start`) never serve or leave a half-written folder.
 */
export async function ensureWebClientBuilt(): Promise<boolean> {
  if (!webClientBuildIsStale()) return false;
  // Loaded only when a build is needed: starting the runtime does not pay for Vite otherwise.
  const { build } = await import('vite');
  const fresh = `${WEB_CLIENT_BUILD}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // Vite keeps a NODE_ENV that is set (a test run sets `test`), and the Preact preset then adds its debug build:
  // this is the production build whoever asks for it.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(WEB_CLIENT_SOURCES, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: fresh, emptyOutDir: true },
    });
    rmSync(WEB_CLIENT_BUILD, { recursive: true, force: true });
    try {
      renameSync(fresh, WEB_CLIENT_BUILD);
    } catch (error) {
      // Another process's build of the same sources took the place first: it serves as well.
      if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    rmSync(fresh, { recursive: true, force: true });
  }
  return true;
}

export interface StaticAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** A built asset's name: Vite's hashed file names, nothing that could climb out of the folder. */
const ASSET_NAME = /^[\w-]+(\.[\w-]+)+$/;

/** The types worth compressing: text. Images and fonts are compressed already. */
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;

/** Whether an Accept-Encoding header takes gzip (listed, or by `*`, and not with `q=0`). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return (acceptEncoding ?? '').split(',').some((coding) => {
    const [name = '', ...parameters] = coding.split(';').map((part) => part.trim().toLowerCase());
    const zeroQuality = parameters.some((parameter) => /^q=0(\.0*)?$/.test(parameter));
    return (name === 'gzip' || name === '*') && !zeroQuality;
  });
}

/**
 * Gzips a text answer for a client that takes it, as CloudFront does for the deployed site (`compress`), so that
 * what the browser loads here, and what Lighthouse measures (`npm run bench:web`), is what a user gets there.
 */
function compressed(answer: StaticAnswer, acceptEncoding: string | undefined): StaticAnswer {
  const headers = { ...answer.headers, vary: 'accept-encoding' };
  if (!acceptsGzip(acceptEncoding) || !COMPRESSIBLE.test(answer.headers['content-type'] ?? ''))
    return { ...answer, headers };
  return { ...answer, headers: { ...headers, 'content-encoding': 'gzip' }, body: gzipSync(answer.body) };
}

/**
 * What the client's files answer a GET of `path` that no API route took: index.html for the client's own paths
 * (the client shows the screen), a built file under /assets/; otherwise undefined, and the API's JSON 404 stays.
 * Text is gzipped when the request's Accept-Encoding takes it.
 */
export async function webClientAnswer(
  build: string,
  path: string,
  acceptEncoding?: string,
): Promise<StaticAnswer | undefined> {
  const answer = await uncompressedAnswer(build, path);
  return answer && compressed(answer, acceptEncoding);
}

async function uncompressedAnswer(build: string, path: string): Promise<StaticAnswer | undefined> {
  const common = { 'x-request-id': randomUUID(), ...NOSNIFF };
  if (isClientPath(path)) {
    const body = await readIfPresent(join(build, 'index.html'));
    if (!body) return undefined;
    const headers = {
      ...common,
      ...webClientSecurityHeaders(browserUploadOrigins()),
      'content-type': 'text/html; charset=utf-8',
      // The page names the current build's files: always revalidated, so a new build shows at once.
      'cache-control': 'no-cache',
    };
    return { status: 200, headers, body };
  }
  if (!path.startsWith(ASSETS_PREFIX)) return undefined;
  const name = path.slice(ASSETS_PREFIX.length);
  const contentType = CONTENT_TYPES[extname(name)];
  if (!ASSET_NAME.test(name) || !contentType) return undefined;
  const body = await readIfPresent(join(build, 'assets', name));
  if (!body) return undefined;
  // Names carry a hash of their content: a file under one name never changes.
  const headers = {
    ...common,
    'content-type': contentType,
    'cache-control': 'public, max-age=31536000, immutable',
  };
  return { status: 200, headers, body };
}

/** Where the page may send files itself: the buckets that declare browser access (the import's uploads). */
function browserUploadOrigins(): string[] {
  return Object.values(buckets as Record<string, BucketDeclaration>)
    .filter((bucket) => bucket.browserAccess)
    .flatMap((bucket) => {
      const name = process.env[bucket.envVar];
      return name ? [presignedUrlOrigin(name)] : [];
    });
}

async function readIfPresent(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
