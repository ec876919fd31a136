import { promises as dns, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { AddressAllowlist, refusalOf } from './ip-ranges.ts';
import type { FetchMethod, FetchOutcome, PageFetcher, Resolver } from './ports.ts';

/**
 * The link checker's HTTP client, safe against server-side request forgery (SSRF):
 * - http and https only;
 * - the host's addresses are resolved once (all of them) and the request refused when any one is not public
 *   (ip-ranges.ts: loopback, private, link-local incl. 169.254.169.254, carrier-grade NAT, multicast,
 *   unspecified, reserved; IPv4 and IPv6, IPv4-mapped IPv6 judged as IPv4);
 * - the connection goes to the vetted addresses themselves: node's `lookup` hook hands the socket exactly the
 *   addresses that were vetted, so a second DNS answer (rebinding) never reaches it. TLS SNI, certificate checks
 *   and the Host header keep the original host name, because the request itself is made to the name;
 * - every redirect (at most `maxRedirects`) is vetted again, the same way;
 * - a connect timeout and a total timeout (for the whole fetch, redirects and body included);
 * - the body read stops at `maxBodyBytes` (after decompression: a small gzip bomb cannot grow past it);
 * - no cookies, no credentials, no keep-alive (one connection per request, closed after).
 * A refusal is an answer (`refused`, with the reason), never an error.
 */

export interface SafeFetcherOptions {
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxBodyBytes: number;
  maxRedirects: number;
  /** Addresses admitted though not public: tests and local demos only; empty by default. */
  allowlist?: AddressAllowlist;
  /** Refuse everything the allowlist does not admit, resolving no name but `localhost` (tests). */
  allowlistOnly?: boolean;
  resolver?: Resolver;
  userAgent?: string;
}

/** The system's resolver (getaddrinfo: /etc/hosts, then DNS), every address of the name. */
const systemResolver: Resolver = {
  async resolve(hostname) {
    const found = await dns.lookup(hostname, { all: true, order: 'verbatim' });
    return found.map((entry) => entry.address);
  },
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'Delinkcious-LinkChecker/1.0 (+https://github.com/the-gigi/delinkcious)';

/** An error the fetcher raises itself, with a code the failure mapping knows. */
class FetchError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Vetted = { url: URL; addresses: string[] };

export class SafeFetcher implements PageFetcher {
  private readonly allowlist: AddressAllowlist;
  private readonly resolver: Resolver;

  constructor(private readonly options: SafeFetcherOptions) {
    this.allowlist = options.allowlist ?? AddressAllowlist.none;
    this.resolver = options.resolver ?? systemResolver;
  }

  async fetch(url: string, method: FetchMethod): Promise<FetchOutcome> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new FetchError('ETOTALTIMEOUT', 'total timeout')),
      this.options.totalTimeoutMs,
    );
    try {
      let current = url;
      for (let redirects = 0; ; redirects++) {
        const target = await this.vet(current, controller.signal);
        if ('kind' in target) return target;
        const response = await this.request(target, method, controller.signal);
        const location = response.headers.location;
        if (REDIRECTS.has(response.statusCode ?? 0) && location) {
          response.destroy();
          if (redirects >= this.options.maxRedirects) {
            return {
              kind: 'failed',
              reason: `more than ${this.options.maxRedirects} redirects`,
              transient: false,
            };
          }
          if (!URL.canParse(location, current)) {
            return { kind: 'failed', reason: 'redirect to an invalid URL', transient: false };
          }
          current = new URL(location, current).href;
          continue;
        }
        return await this.outcome(response, method, target.url.href, controller.signal);
      }
    } catch (error) {
      return failureOf(controller.signal.aborted ? controller.signal.reason : error, this.options);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The URL's addresses if every one may be connected to; otherwise the refusal (or the DNS failure). */
  private async vet(raw: string, signal: AbortSignal): Promise<Vetted | FetchOutcome> {
    if (!URL.canParse(raw)) return { kind: 'refused', reason: 'not a valid URL' };
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { kind: 'refused', reason: `the scheme ${url.protocol} is not allowed (http and https only)` };
    }
    // The WHATWG parser has already turned 2130706433, 0x7f.1 and 127.1 into 127.0.0.1.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: string[];
    if (isIP(host) !== 0) {
      addresses = [host];
    } else {
      if (this.options.allowlistOnly && host.toLowerCase() !== 'localhost') {
        return { kind: 'refused', reason: `${host}: only allowlisted addresses may be fetched here` };
      }
      addresses = await abortable(this.resolver.resolve(host), signal);
      if (addresses.length === 0) throw new FetchError('ENOTFOUND', 'no address');
    }
    for (const address of addresses) {
      let why = refusalOf(address, this.allowlist);
      if (!why && this.options.allowlistOnly && !this.allowlist.admits(address)) {
        why = `${address} is not on the allowlist`;
      }
      if (why) return { kind: 'refused', reason: isIP(host) !== 0 ? why : `${host}: ${why}` };
    }
    return { url, addresses };
  }

  private request(target: Vetted, method: FetchMethod, signal: AbortSignal): Promise<IncomingMessage> {
    const client = target.url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(target.url, {
        method,
        agent: false,
        signal,
        lookup: pinnedLookup(target.addresses),
        headers: {
          'user-agent': this.options.userAgent ?? USER_AGENT,
          accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
          'accept-encoding': 'gzip, deflate, br',
          connection: 'close',
        },
      });
      request.once('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(
          () => request.destroy(new FetchError('ECONNECTTIMEOUT', 'connect timeout')),
          this.options.connectTimeoutMs,
        );
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      request.once('response', resolve);
      request.once('error', reject);
      request.end();
    });
  }

  private async outcome(
    response: IncomingMessage,
    method: FetchMethod,
    url: string,
    signal: AbortSignal,
  ): Promise<FetchOutcome> {
    const status = response.statusCode ?? 0;
    const contentType = header(response, 'content-type') ?? null;
    const retryAfterSeconds = retryAfter(header(response, 'retry-after'));
    const base = { kind: 'response' as const, method, status, url, contentType, retryAfterSeconds };
    if (method === 'HEAD') {
      response.destroy();
      return base;
    }
    try {
      const { body, truncated } = await readBody(response, this.options.maxBodyBytes, signal);
      return { ...base, body, truncated };
    } catch {
      // The status is known; a body that breaks off (or will not decompress) only costs the snapshot.
      return base;
    }
  }
}

/** Hands the socket the vetted addresses, and nothing else: no second resolution, no rebinding. */
function pinnedLookup(addresses: string[]): LookupFunction {
  const entries: LookupAddress[] = addresses.map((address) => ({ address, family: isIP(address) }));
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, entries);
    else callback(null, entries[0]!.address, entries[0]!.family);
  }) as LookupFunction;
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After: seconds, or an HTTP date. */
function retryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** The body, decompressed, up to `max` bytes; the connection is closed as soon as that is reached. */
async function readBody(
  response: IncomingMessage,
  max: number,
  signal: AbortSignal,
): Promise<{ body: Uint8Array; truncated: boolean }> {
  const encoding = header(response, 'content-encoding')?.trim().toLowerCase();
  let decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') decoder = zlib.createGunzip();
  else if (encoding === 'deflate') decoder = zlib.createInflate();
  else if (encoding === 'br') decoder = zlib.createBrotliDecompress();
  let stream: Readable = response;
  if (decoder) {
    response.once('error', (error) => decoder.destroy(error));
    stream = response.pipe(decoder);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal.aborted) throw signal.reason;
      if (size + chunk.length > max) {
        chunks.push(chunk.subarray(0, max - size));
        size = max;
        truncated = true;
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } finally {
    decoder?.destroy();
    response.destroy();
  }
  return { body: Buffer.concat(chunks, size), truncated };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** What went wrong, in a few words, and whether trying again could help. */
function failureOf(error: unknown, options: SafeFetcherOptions): FetchOutcome {
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const failed = (reason: string, transient: boolean): FetchOutcome => ({
    kind: 'failed',
    reason,
    transient,
  });
  switch (code) {
    case 'ETOTALTIMEOUT':
      return failed(`timeout after ${seconds(options.totalTimeoutMs)}`, true);
    case 'ECONNECTTIMEOUT':
    case 'ETIMEDOUT':
      return failed(`connect timeout after ${seconds(options.connectTimeoutMs)}`, true);
    case 'ENOTFOUND':
    case 'ENODATA':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
      return failed('dns: no such host', false);
    case 'EAI_AGAIN':
    case 'ESERVFAIL':
      return failed('dns: temporary failure', true);
    case 'ECONNREFUSED':
      return failed('connection refused', false);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return failed('connection reset', true);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return failed('host unreachable', false);
  }
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/.test(code)) {
    return failed(`tls: ${code}`, false);
  }
  if (code.startsWith('HPE_')) return failed('malformed HTTP response', false);
  const message = (error as Error | undefined)?.message ?? String(error);
  if (message === 'socket hang up') return failed('connection reset', true);
  return failed(`fetch failed: ${code || message}`.slice(0, 120), false);
}
