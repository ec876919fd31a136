import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { DomUtils, parseDocument } from 'htmlparser2';

/**
 * S3's bucket CORS, in front of the emulator, which has none: a browser page may then `PUT` a file straight to a
 * presigned URL of the local S3, as it does to S3 itself (the import's upload). The rules arrive the way S3 takes
 * them, by `PutBucketCors` (local/resources.ts puts the declared ones, as the CDK app declares them on the real
 * bucket), and are answered as S3 answers: a preflight (`OPTIONS`) that a rule admits gets the rule's headers,
 * one that none admits a 403; an actual request from an admitted origin gets `Access-Control-Allow-Origin`.
 * Rules live in memory: the runtime puts them again at every start.
 */

/** One rule of a bucket's CORS configuration (a `CORSRule` of `PutBucketCors`). */
export interface CorsRule {
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

/** The rules of a `PutBucketCors` body (`<CORSConfiguration><CORSRule>...`). */
export function parseCorsConfiguration(xml: string): CorsRule[] {
  const document = parseDocument(xml, { xmlMode: true });
  return DomUtils.getElementsByTagName('CORSRule', document).map((rule) => {
    const values = (name: string) =>
      DomUtils.getElementsByTagName(name, rule).map((element) => DomUtils.textContent(element).trim());
    const maxAge = values('MaxAgeSeconds')[0];
    return {
      allowedOrigins: values('AllowedOrigin'),
      allowedMethods: values('AllowedMethod'),
      allowedHeaders: values('AllowedHeader'),
      exposeHeaders: values('ExposeHeader'),
      ...(maxAge !== undefined ? { maxAgeSeconds: Number(maxAge) } : {}),
    };
  });
}

/** S3's matching: an origin or header may hold one `*` wildcard; headers ignore case, methods do not. */
function matches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const [p, v] = ignoreCase ? [pattern.toLowerCase(), value.toLowerCase()] : [pattern, value];
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const [before, after] = [p.slice(0, star), p.slice(star + 1)];
  return v.length >= before.length + after.length && v.startsWith(before) && v.endsWith(after);
}

/** The first rule that admits this origin, method and request headers, as S3 picks it. */
export function admittingRule(
  rules: readonly CorsRule[],
  request: { origin: string; method: string; headers: readonly string[] },
): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedOrigins.some((origin) => matches(origin, request.origin, false)) &&
      rule.allowedMethods.includes(request.method) &&
      request.headers.every((header) =>
        rule.allowedHeaders.some((allowed) => matches(allowed, header, true)),
      ),
  );
}

/** The headers S3 adds for an admitted request; `preflight` adds what the browser asked to use. */
export function corsHeaders(
  rule: CorsRule,
  origin: string,
  preflight?: { method: string; headers: readonly string[] },
): Record<string, string> {
  const headers: Record<string, string> = {
    'access-control-allow-origin': rule.allowedOrigins.includes('*') ? '*' : origin,
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (rule.exposeHeaders.length > 0) headers['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (preflight) {
    headers['access-control-allow-methods'] = rule.allowedMethods.join(', ');
    if (preflight.headers.length > 0) headers['access-control-allow-headers'] = preflight.headers.join(', ');
    if (rule.maxAgeSeconds !== undefined) headers['access-control-max-age'] = String(rule.maxAgeSeconds);
  }
  return headers;
}

/** The bucket of a path-style request (`/<bucket>/<key>`), and whether it addresses the bucket's `?cors`. */
function target(request: IncomingMessage): { bucket: string; cors: boolean } {
  const url = new URL(request.url ?? '/', 'http://emulator');
  const bucket = decodeURIComponent(url.pathname.split('/')[1] ?? '');
  return { bucket, cors: url.searchParams.has('cors') && url.pathname.replace(/\/$/, '') === `/${bucket}` };
}

function listOf(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
}

function send(response: ServerResponse, status: number, headers: Record<string, string> = {}, body = '') {
  response.writeHead(status, { 'content-type': 'application/xml', ...headers });
  response.end(body);
}

const s3Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/**
 * Puts S3's CORS in front of the emulator's own request handling on `server`: `PutBucketCors` and
 * `DeleteBucketCors` are kept here, preflights answered here, and every other request goes on to the emulator,
 * with the CORS headers of an admitted origin added.
 */
export function withBucketCors(server: Server): void {
  const rulesByBucket = new Map<string, CorsRule[]>();
  const emulator = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const passOn = (request: IncomingMessage, response: ServerResponse) => {
    for (const listener of emulator) listener.call(server, request, response);
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const { bucket, cors } = target(request);
    const origin = request.headers.origin;
    if (cors && request.method === 'PUT') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        rulesByBucket.set(bucket, parseCorsConfiguration(Buffer.concat(chunks).toString('utf8')));
        send(response, 200);
      });
      return;
    }
    if (cors && request.method === 'DELETE') {
      rulesByBucket.delete(bucket);
      send(response, 204);
      return;
    }
    const rules = rulesByBucket.get(bucket) ?? [];
    if (request.method === 'OPTIONS') {
      const method = request.headers['access-control-request-method'];
      if (!origin || !method) {
        send(
          response,
          400,
          {},
          s3Error('BadRequest', 'Insufficient information. Origin request header needed.'),
        );
        return;
      }
      const headers = listOf(request.headers['access-control-request-headers']);
      const rule = admittingRule(rules, { origin, method, headers });
      if (!rule) {
        send(
          response,
          403,
          {},
          s3Error('AccessForbidden', 'CORSResponse: This CORS request is not allowed.'),
        );
        return;
      }
      send(response, 200, corsHeaders(rule, origin, { method, headers }));
      return;
    }
    const rule = origin && admittingRule(rules, { origin, method: request.method ?? '', headers: [] });
    if (origin && rule) {
      for (const [name, value] of Object.entries(corsHeaders(rule, origin))) response.setHeader(name, value);
    }
    passOn(request, response);
  });
}
