import { Agent, request } from 'node:http';

/** An answer read to its end. */
export interface Answer {
  status: number;
  body: Buffer;
}

/**
 * An HTTP client on Node's own `http` module with one keep-alive connection: the transport that the AWS SDK's
 * clients use (its NodeHttpHandler), so that a route measured through it and the bare DynamoDB call beside it pay
 * the same client costs. `fetch` (undici) spends more of the process's time per request, and in a benchmark
 * whose client and server share one process, that time is counted against the server.
 */
export class KeepAliveClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly base: string) {}

  send(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
    const url = new URL(path, this.base);
    return new Promise<Answer>((answered, failed) => {
      const sent = request(
        {
          agent: this.agent,
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: init.method ?? 'GET',
          headers: {
            ...init.headers,
            ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            answered({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }),
          );
          response.on('error', failed);
        },
      );
      sent.on('error', failed);
      sent.end(init.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
