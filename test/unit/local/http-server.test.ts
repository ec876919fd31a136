import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, matchRoute, requestTarget, toApiGatewayEvent } from '../../../local/http-server.ts';
import { parseRequest } from '../../../shared/http/request.ts';
import { allowedMethods } from '../../../shared/wiring.ts';
import { anApiEvent } from '../../support/builders.ts';

/** The local stand-in for API Gateway: what it hands a function, and what it answers by itself. */

describe('matching a path with percent-escapes', () => {
  it.each([['%ED%A0%80'], ['%FF%FE'], ['%E0%A4%A'], ['%']])(
    'given the path parameter %s that does not decode, when routed, then the route matches with it as sent',
    (segment) => {
      const match = matchRoute('DELETE', `/v1/following/${segment}`);

      expect(match.routeKey).toBe('DELETE /v1/following/{username}');
      expect(match.pathParameters).toEqual({ username: segment });
    },
  );

  it('given a well-formed escape, when routed, then the path parameter is decoded, as API Gateway does', () => {
    expect(matchRoute('GET', '/v1/users/%61lice').pathParameters).toEqual({ username: 'alice' });
  });

  it('given a malformed escape on a path with another method, when the allowed methods are asked, then they are found', () => {
    expect(allowedMethods('/v1/users/%E0%A4%A')).toEqual(['GET', 'HEAD']);
  });
});

describe('reading the request target', () => {
  it('given a path that starts with two slashes, when read, then it is a path, not a host', () => {
    expect(requestTarget('//v1.0/me?limit=1')?.pathname).toBe('//v1.0/me');
  });

  it.each([['*'], ['http://example.com/v1/me']])(
    'given the target %s, when read, then it is no path',
    (target) => {
      expect(requestTarget(target)).toBeUndefined();
    },
  );
});

describe('the event of a request with repeated query keys', () => {
  const request = {
    url: '/v1/links?tag=go&tag=k8s&limit=5',
    method: 'GET',
    headers: { host: 'localhost' },
    httpVersion: '1.1',
    socket: { remoteAddress: '127.0.0.1' },
  } as unknown as IncomingMessage;

  it('given a repeated key, when the event is built, then its values are joined with commas as in payload 2.0', () => {
    const event = toApiGatewayEvent(
      request,
      requestTarget(request.url!)!,
      Buffer.alloc(0),
      matchRoute('GET', '/v1/links'),
    );

    expect(event.queryStringParameters).toEqual({ tag: 'go,k8s', limit: '5' });
    expect(event.rawQueryString).toBe('tag=go&tag=k8s&limit=5');
  });

  it('given the local event and an API Gateway event for the same query, when parsed, then both read the same', () => {
    const local = toApiGatewayEvent(
      request,
      requestTarget(request.url!)!,
      Buffer.alloc(0),
      matchRoute('GET', '/v1/links'),
    );
    const deployed = {
      ...anApiEvent({ query: { tag: 'go,k8s', limit: '5' } }),
      rawQueryString: 'tag=go&tag=k8s&limit=5',
    };

    expect(parseRequest(local).query).toEqual({ tag: ['go', 'k8s'], limit: '5' });
    expect(parseRequest(deployed).query).toEqual(parseRequest(local).query);
  });
});

describe('requests that Node cannot parse', () => {
  const server = createApiServer();
  let port: number;
  beforeAll(async () => {
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((closed) => server.close(() => closed())));

  it('given headers over 16 KiB, when sent, then 431 in the error format with a request id', async () => {
    const response = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
      (resolve, reject) => {
        const outgoing = httpRequest(
          { port, host: '127.0.0.1', path: '/healthz', headers: { 'x-padding': 'a'.repeat(20_000) } },
          (incoming) => {
            let body = '';
            incoming.setEncoding('utf8');
            incoming.on('data', (chunk: string) => (body += chunk));
            incoming.on('end', () =>
              resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body }),
            );
          },
        );
        outgoing.on('error', reject);
        outgoing.end();
      },
    );

    expect(response.status).toBe(431);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['x-request-id']).toMatch(/^\S+$/);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'headers_too_large', message: expect.any(String) },
    });
  });

  it('given a request line that is not HTTP, when sent, then 400 in the error format with a request id', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = new Socket();
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
      socket.connect(port, '127.0.0.1', () => socket.write('GET /healthz NOT-HTTP\r\n\r\n'));
    });

    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/\r\nx-request-id: \S+/);
    expect(JSON.parse(body!)).toEqual({ error: { code: 'invalid_request', message: expect.any(String) } });
  });
});
