import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { NOSNIFF } from '../shared/http/page-security.ts';
import {
  fallbackFunction,
  matchPath,
  methodsOf,
  routes,
  type FunctionName,
  type RouteDeclaration,
} from '../shared/wiring.ts';
import { invoke } from './functions.ts';
import { webClientAnswer } from './web-client.ts';

/** API Gateway's own limit on a request payload; the handlers enforce the contract's smaller one. */
const GATEWAY_PAYLOAD_LIMIT = 10 * 1024 * 1024;

interface Match {
  routeKey: string;
  function: FunctionName;
  pathParameters: Record<string, string>;
}

/** As API Gateway matches an HTTP API route: exact method (HEAD beside GET) and path, else the `$default` route. */
export function matchRoute(method: string, path: string, candidates: RouteDeclaration[] = routes): Match {
  for (const route of candidates) {
    if (!(methodsOf(route) as string[]).includes(method)) continue;
    const pathParameters = matchPath(route.path, path);
    if (pathParameters)
      return { routeKey: `${method} ${route.path}`, function: route.function, pathParameters };
  }
  return { routeKey: '$default', function: fallbackFunction, pathParameters: {} };
}

/** Builds the HTTP API (payload format 2.0) event that a deployed function receives for this request. */
export function toApiGatewayEvent(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  match: Match,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies = (Array.isArray(value) ? value : [value]).flatMap((c) => c.split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // As API Gateway's payload 2.0: a repeated key's values joined with commas (rawQueryString keeps them apart).
  const query: Record<string, string> = Object.fromEntries(
    [...new Set(url.searchParams.keys())].map((name) => [name, url.searchParams.getAll(name).join(',')]),
  );
  const now = new Date();
  const contentType = headers['content-type'] ?? '';
  const isText = /^(text\/|application\/(json|x-www-form-urlencoded|xml)|[^;]*\+json)/i.test(contentType);
  return {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(cookies ? { cookies } : {}),
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers['host'] ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0
      ? { body: isText ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !isText }
      : { isBase64Encoded: false }),
  };
}

/**
 * The path and query of a request target. A target that starts with `//` is a path too, as API Gateway reads
 * it, not a host (`new URL('//v1.0/me', base)` would take `v1.0` for one, and fail on it); a target that is not
 * a path (`*`, or an absolute URL as a proxy is sent) has no route.
 */
export function requestTarget(target: string): URL | undefined {
  if (!target.startsWith('/')) return undefined;
  return URL.parse(`http://localhost${target}`) ?? undefined;
}

interface ApiServerOptions {
  /** The web client's built files (build/web/), served for GET (and HEAD) paths that no API route takes. */
  webClientBuild?: string | undefined;
}

/**
 * The local stand-in for API Gateway: routes each request from the wiring to the same handler modules. With a
 * web client build, it also stands in for the delivery tier in front of the API: the wiring's routes come
 * first, then the client's own paths and files; anything else is the API's JSON 404.
 */
export function createApiServer(options: ApiServerOptions = {}): Server {
  const server = createServer((request, response) => {
    void handle(request, response, options).catch((error: unknown) => {
      console.error('local API server:', error);
      if (!response.headersSent)
        writeJson(response, 500, { error: { code: 'internal', message: 'Internal error' } });
      else response.end();
    });
  });
  server.on('clientError', answerUnparsableRequest);
  return server;
}

/** What the stand-in answers a request that Node's parser refuses, by the parser's error code. */
const UNPARSABLE_ANSWERS: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'headers_too_large',
    message: 'The request line and headers are too large.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request_timeout',
    message: 'The request took too long to arrive.',
  },
};
const NOT_HTTP = { status: 400, code: 'invalid_request', message: 'The request is not valid HTTP.' };

/**
 * A request that Node's parser refuses (request line and headers over its 16 KiB limit, a malformed request
 * line) never reaches a handler, and Node's own answer is a bare status line. Answer in the contract's error
 * format instead, then close: the rest of what the client sent cannot be read as a request.
 */
function answerUnparsableRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, code, message } = UNPARSABLE_ANSWERS[error.code ?? ''] ?? NOT_HTTP;
  const payload = JSON.stringify({ error: { code, message } });
  const headers = {
    ...commonHeaders(),
    'content-length': String(Buffer.byteLength(payload)),
    connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${payload}`);
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: ApiServerOptions,
): Promise<void> {
  const body = await bodyOf(request, response);
  if (!body) return;
  const url = requestTarget(request.url ?? '/');
  if (!url) {
    writeJson(response, 400, {
      error: { code: 'invalid_request', message: 'The request target must be a path.' },
    });
    return;
  }
  const method = (request.method ?? 'GET').toUpperCase();
  const match = matchRoute(method, url.pathname);
  // The client's files answer HEAD too, as the bucket behind the CDN does (Node leaves out the body).
  if (
    match.function === fallbackFunction &&
    (method === 'GET' || method === 'HEAD') &&
    options.webClientBuild
  ) {
    const file = await webClientAnswer(
      options.webClientBuild,
      url.pathname,
      request.headers['accept-encoding'],
    );
    if (file) {
      response.writeHead(file.status, file.headers);
      response.end(file.body);
      return;
    }
  }
  const event = toApiGatewayEvent(request, url, body, match);
  const result = (await invoke(match.function, event)) as APIGatewayProxyStructuredResultV2;
  // Like API Gateway, the stand-in passes the function's headers on as they are: the handlers set nosniff.
  const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(
    result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined,
  );
}

/** The request's body; undefined once it has answered 413, the body being over API Gateway's limit. */
async function bodyOf(request: IncomingMessage, response: ServerResponse): Promise<Buffer | undefined> {
  // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112, 6.3), nor has one of
  // Content-Length 0: reading its stream to the end would only wait for the end of nothing (most GETs).
  if (
    request.headers['transfer-encoding'] === undefined &&
    Number(request.headers['content-length'] ?? 0) === 0
  ) {
    return Buffer.alloc(0);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > GATEWAY_PAYLOAD_LIMIT) {
      writeJson(response, 413, { error: { code: 'payload_too_large', message: 'Request too large' } });
      request.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Answers that the stand-in gives itself; like every answer of the API, they carry a request id and nosniff. */
function writeJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, commonHeaders());
  response.end(JSON.stringify(body));
}

function commonHeaders(): Record<string, string> {
  return { 'content-type': 'application/json; charset=utf-8', 'x-request-id': randomUUID(), ...NOSNIFF };
}
