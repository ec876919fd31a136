import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { config } from '../config.ts';
import { InvalidRequest, PayloadTooLarge, UnsupportedMediaType } from '../errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

/** What a handler sees of a request: decoded, size-checked and parsed, nothing AWS-shaped left. */
export interface HttpRequest {
  method: string;
  path: string;
  routeKey: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The query string's parameters: a value for a key sent once, the list of values for a repeated key. */
  query: FieldValues;
  pathParameters: Record<string, string>;
  /** Parsed JSON, or the fields of a form; undefined when there is no body. */
  body: unknown;
  cookies: Record<string, string>;
  requestId: string;
  sourceIp: string;
}

export function parseRequest(event: APIGatewayProxyEventV2): HttpRequest {
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value ?? '']),
  );
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    routeKey: event.routeKey,
    headers,
    // The raw query string keeps values exactly; API Gateway's parsed map joins repeated keys with commas, so a
    // value's own commas and a repetition could not be told apart.
    query: fieldValues(new URLSearchParams(event.rawQueryString ?? '')),
    pathParameters: Object.fromEntries(
      Object.entries(event.pathParameters ?? {}).map(([name, value]) => [name, value ?? '']),
    ),
    body: parseBody(event, headers['content-type']),
    cookies: parseCookies(event.cookies ?? []),
    requestId: event.requestContext.requestId,
    sourceIp: event.requestContext.http.sourceIp,
  };
}

/**
 * The service's public URL: the deployment's SERVICE_URL (the site's domain, which CloudFront does not pass on
 * as the `Host`), else as the request reached it: API Gateway passes the `Host` the client used and
 * `X-Forwarded-Proto` (https); the local runtime passes the host only, and serves plain http. Feeds and pages
 * build their links from it, and the session cookie's same-origin rule compares `Origin` with it.
 */
export function originOf(request: HttpRequest, serviceUrl = config().SERVICE_URL): string {
  if (serviceUrl) return serviceUrl;
  const proto = request.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  return `${proto}://${request.headers['host'] ?? 'localhost'}`;
}

/** The fields of a query string or form: a string for a key sent once, the list of values for a repeated key. */
export type FieldValues = Record<string, string | string[]>;

/**
 * The lists made from repeated keys. A schema field that takes a list accepts one as it is; validation names a
 * field that takes one value and was sent more than once (a list in a JSON body is another mistake).
 */
const repeatedKeyValues = new WeakSet<string[]>();

export function isRepeatedKey(value: unknown): boolean {
  return Array.isArray(value) && repeatedKeyValues.has(value);
}

function fieldValues(params: URLSearchParams): FieldValues {
  const fields = new Map<string, string | string[]>();
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    if (values.length > 1) repeatedKeyValues.add(values);
    fields.set(name, values.length > 1 ? values : values[0]!);
  }
  // fromEntries defines own properties, so a key like `__proto__` is a field like any other.
  return Object.fromEntries(fields);
}

/**
 * A `\\u` escape of a UTF-16 surrogate: the only way a JSON text can carry an unpaired one (UTF-8 cannot encode a
 * surrogate; undecodable bytes become U+FFFD). Unpaired, it is no character, and no UTF-8 text (the database's
 * item, an export, a feed) can hold it: what was stored and shown would not be what was sent.
 */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Whether every string of a parsed JSON value, keys included, is well-formed; iterative, for any nesting. */
function isWellFormedJson(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (!next.isWellFormed()) return false;
    } else if (Array.isArray(next)) {
      pending.push(...next);
    } else if (next !== null && typeof next === 'object') {
      for (const [key, field] of Object.entries(next)) pending.push(key, field);
    }
  }
  return true;
}

const BYTE_ORDER_MARK = '\uFEFF';

function parseBody(event: APIGatewayProxyEventV2, contentType: string | undefined): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > MAX_BODY_BYTES) {
    throw new PayloadTooLarge(`Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  }
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = raw.toString('utf8');
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    let parsed: unknown;
    try {
      // A leading byte order mark is ignored, as RFC 8259 allows: some clients (Windows PowerShell's, for one)
      // write one before the JSON they send.
      parsed = JSON.parse(text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text);
    } catch {
      throw new InvalidRequest('The request body is not valid JSON.', { body: 'not valid JSON' });
    }
    if (SURROGATE_ESCAPE.test(text) && !isWellFormedJson(parsed)) {
      throw new InvalidRequest(
        'The request body holds an unpaired surrogate (a \\uD800 to \\uDFFF escape alone): text must be valid Unicode.',
        { body: 'not valid Unicode' },
      );
    }
    return parsed;
  }
  if (mediaType === 'application/x-www-form-urlencoded') {
    return fieldValues(new URLSearchParams(text));
  }
  throw new UnsupportedMediaType(
    'Send the body as application/json or application/x-www-form-urlencoded.',
    mediaType ? { content_type: mediaType } : undefined,
  );
}

function parseCookies(cookies: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const cookie of cookies.flatMap((c) => c.split(';'))) {
    const at = cookie.indexOf('=');
    if (at > 0) out[cookie.slice(0, at).trim()] = decodeCookieValue(cookie.slice(at + 1).trim());
  }
  return out;
}

/** A malformed percent-escape in somebody's cookie is kept as sent rather than failing the request. */
function decodeCookieValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
