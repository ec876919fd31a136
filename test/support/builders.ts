import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { MeasuredRun } from '../../bench/cost/pricing.ts';
import type { Import } from '../../shared/imports/model.ts';
import type { Link } from '../../shared/links/model.ts';
import type { Credential, GitHubIdentity, User } from '../../shared/users/model.ts';

/** Test data builders: sensible defaults, and only what a test cares about spelled out. */

export function aLink(overrides: Partial<Link> = {}): Link {
  const at = overrides.created_at ?? '2026-11-23T18:00:00.000Z';
  return {
    username: 'alice',
    url: 'https://golang.org/',
    title: 'Golang',
    description: '',
    tags: ['programming'],
    private: false,
    status: 'pending',
    http_status: null,
    checked_at: null,
    created_at: at,
    updated_at: at,
    ...(overrides.private ? {} : { published_at: at }),
    version: 1,
    ...overrides,
  };
}

export function anImport(overrides: Partial<Import> = {}): Import {
  return {
    username: 'alice',
    import_id: 'mhg6wqm0s0123456789abcdef',
    status: 'pending',
    format: null,
    total: 0,
    imported: 0,
    skipped_duplicates: 0,
    errors: [],
    error_count: 0,
    created_at: '2026-12-01T10:00:00.000Z',
    finished_at: null,
    checkpoint: 0,
    ...overrides,
  };
}

export function aUser(overrides: Partial<User> = {}): User {
  return {
    username: 'alice',
    name: 'Alice',
    email: null,
    avatar_url: null,
    created_at: '2026-11-23T18:00:00.000Z',
    ...overrides,
  };
}

export interface ApiEventInput {
  method?: string;
  path?: string;
  routeKey?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  token?: string;
  /** `name=value` pairs, as API Gateway passes the Cookie header. */
  cookies?: string[];
  /** The caller's address (127.0.0.1 unless given). */
  sourceIp?: string;
  /** What API Gateway bound from `{name}` segments of the route's path. */
  pathParameters?: Record<string, string>;
}

/** An HTTP API (payload 2.0) event, as API Gateway hands it to a function. */
export function anApiEvent(input: ApiEventInput = {}): APIGatewayProxyEventV2 {
  const method = input.method ?? 'GET';
  const path = input.path ?? '/v1/links';
  const headers: Record<string, string> = { ...input.headers };
  if (input.token) headers['authorization'] = `Bearer ${input.token}`;
  let body: string | undefined;
  if (typeof input.body === 'string') body = input.body;
  else if (input.body !== undefined) {
    body = JSON.stringify(input.body);
    headers['content-type'] ??= 'application/json';
  }
  const rawQueryString = new URLSearchParams(input.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: input.routeKey ?? `${method} ${path}`,
    rawPath: path,
    rawQueryString,
    headers,
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.cookies ? { cookies: input.cookies } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '127.0.0.1',
        userAgent: 'test',
      },
      requestId: randomUUID(),
      routeKey: input.routeKey ?? `${method} ${path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
}

export function aLambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

let credentials = 0;

/** A login session as the users table keeps it: the hash of a token, never the token; a fresh id each. */
export function aSession(overrides: Partial<Credential> = {}): Credential {
  credentials++;
  return {
    token_id: `token-id-${credentials}`,
    token_hash: `sha256-of-access-token-${credentials}`,
    username: 'alice',
    scope: 'session',
    name: 'dev login',
    created_at: '2026-11-23T18:00:00.000Z',
    expires_at: '2026-12-23T18:00:00.000Z',
    last_used_at: null,
    ...overrides,
  };
}

/** A personal token (scope `read` unless the test says otherwise), without expiry. */
export function aPersonalToken(overrides: Partial<Credential> = {}): Credential {
  return aSession({ scope: 'read', name: 'a script', expires_at: null, ...overrides });
}

/** Who GitHub says logged in: a public, verified email unless the test says otherwise. */
export function aGitHubIdentity(overrides: Partial<GitHubIdentity> = {}): GitHubIdentity {
  return {
    id: 583231,
    login: 'Octocat',
    name: 'The Octocat',
    email: 'octocat@github.example',
    avatarUrl: 'https://avatars.example.com/u/583231',
    ...overrides,
  };
}

/** A bookmark as a test writes it into a file. */
export interface FileBookmark {
  url: string;
  title?: string;
  tags?: string[];
  /** Epoch seconds. */
  addDate?: number;
  private?: boolean;
  description?: string;
}

/** A Netscape bookmark file of these bookmarks, one `<DT>` line each (its line is its index + 4). */
export function aNetscapeFile(bookmarks: FileBookmark[]): string {
  const lines = bookmarks.map((bookmark) => {
    const attributes = [
      `HREF="${bookmark.url}"`,
      bookmark.addDate !== undefined ? `ADD_DATE="${bookmark.addDate}"` : '',
      bookmark.tags ? `TAGS="${bookmark.tags.join(',')}"` : '',
      `PRIVATE="${bookmark.private === false ? 0 : 1}"`,
    ].filter(Boolean);
    const description = bookmark.description ? `<DD>${bookmark.description}` : '';
    return `<DT><A ${attributes.join(' ')}>${bookmark.title ?? bookmark.url}</A>${description}`;
  });
  return [
    '<!DOCTYPE NETSCAPE-Bookmark-file-1>',
    '<TITLE>Bookmarks</TITLE>',
    '<DL><p>',
    ...lines,
    '</DL>',
  ].join('\n');
}

/** What a cost benchmark run counted: 1,000 API requests and nothing else, unless overridden. */
export function aMeasuredRun(overrides: Partial<MeasuredRun> = {}): MeasuredRun {
  return {
    apiRequests: 1000,
    dynamoDb: { readUnits: 0, writeUnits: 0 },
    sqs: { standard: 0, fifo: 0, fair: 0 },
    s3: { writeRequests: 0, readRequests: 0 },
    lambda: { invocations: 0, gbSeconds: 0 },
    edge: { responseBytes: 0 },
    observability: { logBytes: 0, traces: 0 },
    ...overrides,
  };
}
