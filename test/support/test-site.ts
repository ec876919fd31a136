import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import dns from 'node:dns';
import net from 'node:net';

/**
 * A small web site on 127.0.0.1 for the link checker's tests: pages, statuses, redirects, slow answers, each
 * request recorded. The only network the checker's tests touch is this one (and ::1).
 */

export interface SeenRequest {
  method: string;
  path: string;
  host: string | undefined;
}

type Route = (request: IncomingMessage, response: ServerResponse) => void;

export class TestSite {
  readonly requests: SeenRequest[] = [];
  private readonly routes = new Map<string, Route>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(host = '127.0.0.1'): Promise<TestSite> {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, host, done));
    const { port } = server.address() as AddressInfo;
    const site = new TestSite(server, `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
    server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      site.serve(request, response),
    );
    return site;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  /** Requests seen for a path (any method). */
  seen(path: string): SeenRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  on(path: string, route: Route): this {
    this.routes.set(path, route);
    return this;
  }

  page(path: string, html: string, options: { status?: number; contentType?: string } = {}): this {
    return this.on(path, (request, response) => {
      response.writeHead(options.status ?? 200, {
        'content-type': options.contentType ?? 'text/html; charset=utf-8',
      });
      response.end(request.method === 'HEAD' ? undefined : html);
    });
  }

  status(path: string, status: number): this {
    return this.page(path, `<html><head><title>Status ${status}</title></head></html>`, { status });
  }

  redirect(path: string, location: string, status = 302): this {
    return this.on(path, (_request, response) => {
      response.writeHead(status, { location });
      response.end();
    });
  }

  /** Accepts the request and never answers. */
  hang(path: string): this {
    return this.on(path, (_request, response) => {
      this.hanging.add(response);
    });
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    await new Promise<void>((done) => this.server.close(() => done()).closeAllConnections());
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://site').pathname;
    this.requests.push({ method: request.method ?? 'GET', path, host: request.headers.host });
    const route = this.routes.get(path);
    if (route) route(request, response);
    else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    }
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost)$/i;

/**
 * A safety net for the checker's tests: every TCP connection this process opens while it is on must go to
 * loopback. Were the guard under test ever to let a refused address through, the connection fails here, before
 * a packet leaves the machine. Covers literal hosts and the addresses a `lookup` hook hands the socket.
 */
export function onlyLoopback(): () => void {
  const original = net.Socket.prototype.connect;
  const patched = function (this: net.Socket, ...args: unknown[]) {
    // net.connect hands the socket its normalized arguments as an array: [options, callback].
    const options = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    if (options && typeof options === 'object') {
      const connect = options as net.TcpNetConnectOpts & { path?: string };
      if (connect.path == null && connect.host != null) {
        const host = String(connect.host);
        if (net.isIP(host) !== 0 && !LOOPBACK.test(host)) {
          throw new Error(`test egress guard: a connection to ${host} was attempted`);
        }
        const lookup = connect.lookup;
        if (lookup) {
          connect.lookup = ((hostname: string, lookupOptions: object, callback: (...a: unknown[]) => void) =>
            lookup(
              hostname,
              lookupOptions as never,
              ((error: Error | null, address: unknown, family: unknown) => {
                const addresses = Array.isArray(address)
                  ? (address as { address: string }[]).map((entry) => entry.address)
                  : [String(address)];
                const outside = addresses.find((candidate) => !LOOPBACK.test(candidate));
                if (!error && outside) {
                  callback(new Error(`test egress guard: a connection to ${outside} was attempted`));
                } else callback(error, address, family);
              }) as never,
            )) as typeof connect.lookup;
        }
      }
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  };
  net.Socket.prototype.connect = patched as typeof original;
  // No name but localhost is looked up for real: a query for any other would leave the machine.
  const originalLookup = dns.lookup;
  const originalPromisesLookup = dns.promises.lookup;
  const refuseName = (hostname: string) => {
    if (hostname.toLowerCase() !== 'localhost' && net.isIP(hostname) === 0) {
      throw Object.assign(new Error(`test egress guard: a DNS lookup of ${hostname} was attempted`), {
        code: 'EGRESSGUARD',
      });
    }
  };
  dns.lookup = ((hostname: string, ...rest: unknown[]) => {
    refuseName(hostname);
    return (originalLookup as (...a: unknown[]) => void)(hostname, ...rest);
  }) as typeof dns.lookup;
  dns.promises.lookup = ((hostname: string, ...rest: unknown[]) => {
    try {
      refuseName(hostname);
    } catch (error) {
      return Promise.reject(error);
    }
    return (originalPromisesLookup as (...a: unknown[]) => Promise<unknown>)(hostname, ...rest);
  }) as typeof dns.promises.lookup;
  return () => {
    net.Socket.prototype.connect = original;
    dns.lookup = originalLookup;
    dns.promises.lookup = originalPromisesLookup;
  };
}
