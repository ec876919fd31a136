import { gzipSync } from 'node:zlib';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseCheckerSettings } from '../../../shared/checker/config.ts';
import { AddressAllowlist } from '../../../shared/checker/ip-ranges.ts';
import type { FetchOutcome, Resolver } from '../../../shared/checker/ports.ts';
import { SafeFetcher, type SafeFetcherOptions } from '../../../shared/checker/safe-fetcher.ts';
import { safeFetcher } from '../../../shared/checker/check-service.ts';
import { onlyLoopback, TestSite } from '../../support/test-site.ts';
import { gzipBomb } from '../../support/gzip-bomb.ts';
import { REFUSED_ADDRESSES, urlOf } from './ranges.ts';

/**
 * The SSRF guard, end to end through the real HTTP client: refused ranges by literal address, by a host name that
 * resolves to them (a fake resolver: no DNS query leaves the machine), and through redirects from a real server
 * on 127.0.0.1 (admitted by a test-only allowlist). A safety net fails any connection off loopback.
 */

/** Host names the tests invent, resolved by this fake; every lookup is recorded. */
class FakeResolver implements Resolver {
  readonly lookups: string[] = [];
  private readonly names = new Map<string, () => string[]>();

  set(name: string, addresses: string[] | (() => string[])): this {
    this.names.set(name, typeof addresses === 'function' ? addresses : () => addresses);
    return this;
  }

  async resolve(hostname: string): Promise<string[]> {
    this.lookups.push(hostname);
    const found = this.names.get(hostname);
    if (found) return found();
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  }
}

let site: TestSite;
let resolver: FakeResolver;
let restoreNetwork: () => void;

beforeAll(async () => {
  restoreNetwork = onlyLoopback();
  site = await TestSite.start();
  site.page('/page', '<html><head><title>Hello</title></head><body>hi</body></html>');
});
afterAll(async () => {
  await site?.stop();
  restoreNetwork?.();
});
beforeEach(() => {
  resolver = new FakeResolver();
  site.requests.length = 0;
});

const fetcher = (options: Partial<SafeFetcherOptions> = {}) =>
  new SafeFetcher({
    connectTimeoutMs: 1000,
    totalTimeoutMs: 2000,
    maxBodyBytes: 2 * 1024 * 1024,
    maxRedirects: 5,
    allowlist: AddressAllowlist.parse('127.0.0.1'),
    resolver,
    ...options,
  });
/** No allowlist at all: what a deployed checker runs with. */
const strict = () => fetcher({ allowlist: AddressAllowlist.none });

function expectRefused(outcome: FetchOutcome, reason: RegExp | string): void {
  expect(outcome).toEqual({ kind: 'refused', reason: expect.stringMatching(reason) });
}

describe('given a literal address in a refused range', () => {
  it.each(REFUSED_ADDRESSES)(
    'when %s (%s) is fetched, then it is refused before any connection',
    async (address, kind) => {
      const outcome = await strict().fetch(urlOf(address), 'GET');

      expectRefused(outcome, new RegExp(`is a ${kind} address$`));
      expect(resolver.lookups).toEqual([]);
    },
  );

  it.each([
    ['http://2130706433/', 'decimal'],
    ['http://0x7f.0.0.1/', 'hexadecimal'],
    ['http://0177.0.0.1/', 'octal'],
    ['http://127.1/', 'short'],
    ['http://[::ffff:7f00:1]/', 'IPv4-mapped hex'],
    ['https://[::1]:8443/admin', 'https, IPv6 loopback with a port'],
    ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'the metadata service'],
  ])('when %s (%s) is fetched, then it is refused', async (url) => {
    const outcome = await strict().fetch(url, 'GET');

    expectRefused(outcome, /is a (loopback|link-local) address$/);
  });
});

describe('given a host name that resolves into a refused range', () => {
  it.each(REFUSED_ADDRESSES)('when it resolves to %s (%s), then it is refused', async (address, kind) => {
    resolver.set('internal.example.test', [address]);

    const outcome = await strict().fetch('http://internal.example.test/admin', 'GET');

    expectRefused(outcome, `internal.example.test: ${address} is a ${kind} address`);
  });

  it('when it resolves to a public and a private address, then it is refused: every address is vetted', async () => {
    resolver.set('mixed.example.test', ['93.184.215.14', '10.0.0.7']);

    expectRefused(
      await strict().fetch('https://mixed.example.test/', 'HEAD'),
      '10.0.0.7 is a private address',
    );
  });

  it('when it does not resolve, then the fetch fails with a DNS reason, not an error', async () => {
    expect(await strict().fetch('http://nowhere.example.test/', 'GET')).toEqual({
      kind: 'failed',
      reason: 'dns: no such host',
      transient: false,
    });
  });

  it('when the resolver fails for now, then the failure is transient (worth a retry)', async () => {
    const flaky: Resolver = {
      resolve: () => Promise.reject(Object.assign(new Error('EAI_AGAIN'), { code: 'EAI_AGAIN' })),
    };

    expect(await fetcher({ resolver: flaky }).fetch('http://flaky.example.test/', 'GET')).toEqual({
      kind: 'failed',
      reason: 'dns: temporary failure',
      transient: true,
    });
  });
});

describe('given a redirect into a refused range, from a server the test allowlist admits', () => {
  // The allowlist admits 127.0.0.1 itself (the test server), so redirects there are not refusals.
  const beyondAllowlist = REFUSED_ADDRESSES.filter(
    ([address]) => !['127.0.0.1', '::ffff:127.0.0.1'].includes(address),
  );

  it.each(beyondAllowlist)(
    'when it redirects to the literal %s (%s), then the redirect is refused',
    async (address, kind) => {
      site.redirect('/to-literal', urlOf(address, '/secret'));

      const outcome = await fetcher().fetch(site.url('/to-literal'), 'GET');

      expectRefused(outcome, new RegExp(`is a ${kind} address$`));
      expect(site.seen('/to-literal')).toHaveLength(1);
    },
  );

  it.each(beyondAllowlist)(
    'when it redirects to a name resolving to %s (%s), then the redirect is refused',
    async (address, kind) => {
      resolver.set('inside.example.test', [address]);
      site.redirect('/to-name', 'http://inside.example.test/secret', 307);

      const outcome = await fetcher().fetch(site.url('/to-name'), 'HEAD');

      expectRefused(outcome, `inside.example.test: ${address} is a ${kind} address`);
      expect(resolver.lookups).toEqual(['inside.example.test']);
    },
  );

  it('when it redirects to another scheme, then the redirect is refused', async () => {
    site.redirect('/to-file', 'file:///etc/passwd');

    expectRefused(await fetcher().fetch(site.url('/to-file'), 'GET'), 'the scheme file: is not allowed');
  });
});

describe('the default configuration, with no allowlist', () => {
  it('given a page served on 127.0.0.1, when the default fetcher fetches it, then it is refused and the server never sees a request', async () => {
    const outcome = await safeFetcher(parseCheckerSettings({})).fetch(site.url('/page'), 'GET');

    expectRefused(outcome, '127.0.0.1 is a loopback address');
    expect(site.requests).toEqual([]);
  });

  it('given the name localhost, when the default fetcher fetches it, then it is refused too', async () => {
    const outcome = await safeFetcher(parseCheckerSettings({})).fetch(
      `http://localhost:${site.port}/page`,
      'GET',
    );

    expectRefused(outcome, /^localhost: .* is a loopback address$/);
    expect(site.requests).toEqual([]);
  });

  it('has the documented limits: 5 s to connect, 10 s in all, 2 MiB of body, 5 redirects, 3 attempts', () => {
    const settings = parseCheckerSettings({});

    expect(settings).toMatchObject({
      LINK_CHECKER_CONNECT_TIMEOUT_MS: 5000,
      LINK_CHECKER_TOTAL_TIMEOUT_MS: 10_000,
      LINK_CHECKER_MAX_BODY_BYTES: 2 * 1024 * 1024,
      LINK_CHECKER_MAX_REDIRECTS: 5,
      LINK_CHECKER_ATTEMPTS: 3,
      LINK_CHECKER_ALLOWLIST_ONLY: false,
    });
    expect(settings.LINK_CHECKER_ALLOW_HOSTS.isEmpty).toBe(true);
  });

  it('rejects an allowlist entry that is a name, naming the variable', () => {
    expect(() => parseCheckerSettings({ LINK_CHECKER_ALLOW_HOSTS: 'internal.example.test' })).toThrow(
      /LINK_CHECKER_ALLOW_HOSTS/,
    );
  });
});

describe('schemes', () => {
  it.each([
    'ftp://example.com/file',
    'file:///etc/passwd',
    'gopher://example.com/',
    'data:text/html,hi',
    'javascript:alert(1)',
  ])('given %s, then it is refused: http and https only', async (url) => {
    expectRefused(await strict().fetch(url, 'GET'), /^the scheme .* is not allowed \(http and https only\)$/);
  });
});

describe('pinning the connection to the vetted address', () => {
  it('given a name whose next answer would be private (DNS rebinding), then the connection goes to the address that was vetted, with the name as Host', async () => {
    let answers = 0;
    resolver.set('rebind.example.test', () => (answers++ === 0 ? ['127.0.0.1'] : ['10.0.0.7']));

    const outcome = await fetcher().fetch(`http://rebind.example.test:${site.port}/page`, 'GET');

    expect(outcome).toMatchObject({ kind: 'response', status: 200 });
    expect(resolver.lookups).toEqual(['rebind.example.test']);
    expect(site.seen('/page')).toEqual([
      { method: 'GET', path: '/page', host: `rebind.example.test:${site.port}` },
    ]);
  });

  it('given a redirect to a name, then that name is resolved and vetted once, and its vetted address used', async () => {
    resolver.set('next.example.test', ['127.0.0.1']);
    site.redirect('/hop', `http://next.example.test:${site.port}/page`);

    const outcome = await fetcher().fetch(site.url('/hop'), 'GET');

    expect(outcome).toMatchObject({
      kind: 'response',
      status: 200,
      url: `http://next.example.test:${site.port}/page`,
    });
    expect(resolver.lookups).toEqual(['next.example.test']);
  });
});

describe('answers', () => {
  it('given GET of an HTML page, then the status, content type, final URL and body', async () => {
    const outcome = await fetcher().fetch(site.url('/page'), 'GET');

    expect(outcome).toMatchObject({
      kind: 'response',
      method: 'GET',
      status: 200,
      url: site.url('/page'),
      contentType: 'text/html; charset=utf-8',
      truncated: false,
    });
    expect(Buffer.from((outcome as { body: Uint8Array }).body).toString()).toContain('<title>Hello</title>');
  });

  it('given HEAD, then no body is read', async () => {
    const outcome = await fetcher().fetch(site.url('/page'), 'HEAD');

    expect(outcome).toMatchObject({ kind: 'response', method: 'HEAD', status: 200 });
    expect((outcome as { body?: unknown }).body).toBeUndefined();
  });

  it('given 429 with Retry-After, then the seconds are reported', async () => {
    site.on('/busy', (_request, response) => {
      response.writeHead(429, { 'retry-after': '7' });
      response.end();
    });

    expect(await fetcher().fetch(site.url('/busy'), 'HEAD')).toMatchObject({
      status: 429,
      retryAfterSeconds: 7,
    });
  });

  it('given a closed port, then the fetch fails with "connection refused"', async () => {
    const port = await new Promise<number>((done) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => done(free));
      });
    });

    expect(await fetcher().fetch(`http://127.0.0.1:${port}/`, 'GET')).toEqual({
      kind: 'failed',
      reason: 'connection refused',
      transient: false,
    });
  });
});

describe('redirects', () => {
  const chain = (name: string, hops: number) => {
    for (let i = 1; i <= hops; i++)
      site.redirect(`/${name}/${i}`, i === hops ? '/page' : `/${name}/${i + 1}`, 301);
    return site.url(`/${name}/1`);
  };

  it('given 5 redirects, then the fifth target answers', async () => {
    expect(await fetcher().fetch(chain('five', 5), 'GET')).toMatchObject({
      kind: 'response',
      status: 200,
      url: site.url('/page'),
    });
  });

  it('given 6 redirects, then the fetch fails: at most 5 are followed', async () => {
    expect(await fetcher().fetch(chain('six', 6), 'GET')).toEqual({
      kind: 'failed',
      reason: 'more than 5 redirects',
      transient: false,
    });
    expect(site.seen('/page')).toEqual([]);
  });
});

describe('timeouts and the body limit', () => {
  it('given a server that never answers, then the total timeout ends the fetch as a transient failure', async () => {
    site.hang('/hang');

    const outcome = await fetcher({ totalTimeoutMs: 300 }).fetch(site.url('/hang'), 'GET');

    expect(outcome).toEqual({ kind: 'failed', reason: 'timeout after 0.3 s', transient: true });
  });

  it('given a 3 MiB page, then the body read stops at 2 MiB and says so', async () => {
    const big = `<title>Big</title>${'x'.repeat(3 * 1024 * 1024)}`;
    site.page('/big', big);

    const outcome = await fetcher().fetch(site.url('/big'), 'GET');

    expect(outcome).toMatchObject({ kind: 'response', status: 200, truncated: true });
    expect((outcome as { body: Uint8Array }).body.length).toBe(2 * 1024 * 1024);
  });

  it('given a gzip bomb, then decompression stops at the limit', async () => {
    const bomb = gzipBomb();
    site.on('/bomb', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      response.end(bomb);
    });

    const outcome = await fetcher({ maxBodyBytes: 64 * 1024 }).fetch(site.url('/bomb'), 'GET');

    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(outcome).toMatchObject({ kind: 'response', status: 200, truncated: true });
    expect((outcome as { body: Uint8Array }).body.length).toBe(64 * 1024);
  });

  it('given a gzip-encoded page, then the body is the page, decompressed', async () => {
    site.on('/gz', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      response.end(gzipSync('<title>Zipped</title>'));
    });

    const outcome = await fetcher().fetch(site.url('/gz'), 'GET');

    expect(Buffer.from((outcome as { body: Uint8Array }).body).toString()).toBe('<title>Zipped</title>');
  });
});
