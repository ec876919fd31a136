import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { config } from '../config.ts';
import { NotFound, Unauthorized } from '../errors.ts';
import { logger } from '../logger.ts';
import { gate } from '../gate.ts';
import { toHttpError } from './errors.ts';
import { presentedToken } from './gate.ts';
import { NOSNIFF, pageSecurityHeaders } from './page-security.ts';
import { rateKeyForIp, rateKeyForToken } from './rate-limit.ts';
import { parseRequest, type HttpRequest } from './request.ts';
import {
  httpAccessOf,
  type AuthenticatedFunctionName,
  type HttpFunctionName,
  type PublicFunctionName,
} from '../wiring.ts';

interface HttpResponse {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as a page instead of JSON; with no Content-Security-Policy of its own, it gets the strictest one. */
  html?: string;
  /** Sent as it is, a file to download: `headers` give its `content-type`. */
  file?: string;
  headers?: Record<string, string>;
  cookies?: string[];
}

interface Caller {
  username: string;
  token: string;
}

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A public function's work: anyone may call it. */
type PublicRun = (request: HttpRequest) => Promise<HttpResponse>;
/** An authenticated function's work: it learns who is calling. */
type AuthenticatedRun = (request: HttpRequest, caller: Caller) => Promise<HttpResponse>;

/**
 * What a function does with a request, typed by what its routes declare in the wiring: with the caller when
 * they need a token, without one when they are public; `never` (nothing compiles) when they disagree.
 */
type RouteRun<Name extends HttpFunctionName> = Name extends AuthenticatedFunctionName
  ? Name extends PublicFunctionName
    ? never
    : AuthenticatedRun
  : PublicRun;

/**
 * The handler of an HTTP function: the gate does what the function's routes declare in the wiring
 * (shared/wiring.ts `routes`), then `run` answers. A route that needs a token is rate-limited per token once the
 * token is valid, and per client IP before; a public one per client IP. A `localOnly` function answers 404
 * outside the local runtime, before anything is counted or written.
 */
export function route<Name extends HttpFunctionName>(name: Name, run: RouteRun<Name>): HttpHandler {
  const access = httpAccessOf(name);
  return (event, context) =>
    serve(event, context, async (request) => {
      if (access.localOnly && !config().LOCAL_RUNTIME) throw new NotFound('No such route.');
      if (!access.auth) {
        await gate().rateLimiter.enforce(rateKeyForIp(request.sourceIp));
        return (run as PublicRun)(request);
      }
      return (run as AuthenticatedRun)(request, await authenticate(request));
    });
}

/** The caller behind the request's token, counted against the rate limit; Unauthorized without a valid one. */
async function authenticate(request: HttpRequest): Promise<Caller> {
  const { authenticator, rateLimiter } = gate();
  const token = presentedToken(request.headers);
  let username: string;
  try {
    username = await authenticator.authenticate(token);
  } catch (error) {
    // Not logged in: counted per client IP, as requests before login are, so guessing tokens is slow too.
    if (error instanceof Unauthorized) await rateLimiter.enforce(rateKeyForIp(request.sourceIp));
    throw error;
  }
  logger.appendKeys({ username });
  // Per token, once it is known to be valid: unknown tokens never create rate items.
  await rateLimiter.enforce(rateKeyForToken(token!));
  return { username, token: token! };
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

async function serve(
  event: APIGatewayProxyEventV2,
  context: Context,
  run: (request: HttpRequest) => Promise<HttpResponse>,
): Promise<APIGatewayProxyStructuredResultV2> {
  const started = performance.now();
  const requestId = event.requestContext.requestId;
  logger.addContext(context);
  logger.removeKeys(['username']);
  logger.appendKeys({ request_id: requestId });
  let response: HttpResponse;
  try {
    response = await run(parseRequest(event));
  } catch (error) {
    const answer = toHttpError(error);
    if (answer.status >= 500) logger.error('request failed', { error: error as Error });
    response = { status: answer.status, body: answer.body, headers: answer.headers };
  }
  logger.info('request', {
    method: event.requestContext.http.method,
    route: event.routeKey,
    status: response.status,
    duration_ms: Math.round(performance.now() - started),
  });
  return toResult(response, requestId);
}

function toResult(response: HttpResponse, requestId: string): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { 'x-request-id': requestId, ...response.headers, ...NOSNIFF };
  let body: string | undefined;
  if (response.file !== undefined) {
    headers['content-type'] ??= 'application/octet-stream';
    body = response.file;
  } else if (response.html !== undefined) {
    headers['content-type'] ??= 'text/html; charset=utf-8';
    if (!headers['content-security-policy']) Object.assign(headers, pageSecurityHeaders());
    body = response.html;
  } else if (response.body !== undefined) {
    headers['content-type'] ??= JSON_CONTENT_TYPE;
    body = JSON.stringify(response.body);
  }
  return {
    statusCode: response.status,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(response.cookies ? { cookies: response.cookies } : {}),
  };
}
