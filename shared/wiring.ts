/**
 * The one declaration of how Delinkcious is wired: tables, functions and routes, as plain data.
 *
 * The CDK app (lib/) turns it into AWS resources and the local runtime (local/) into DynamoDB Local tables
 * and an HTTP router, so the two cannot drift apart. Later contexts add queues, buckets and event sources here.
 */

export type AttributeType = 'S' | 'N';

export interface KeyDeclaration {
  name: string;
  type: AttributeType;
}

export interface TableDeclaration {
  /** Environment variable through which functions learn the table's name. */
  envVar: string;
  partitionKey: KeyDeclaration;
  sortKey: KeyDeclaration;
  /** Local secondary indexes: same partition key, another sort key, strongly consistent reads. */
  localIndexes: { name: string; sortKey: KeyDeclaration }[];
  /** Attribute holding an epoch-seconds expiry that DynamoDB's TTL deletes. */
  ttlAttribute?: string;
  stream?: 'NEW_AND_OLD_IMAGES';
}

export const tables = {
  links: {
    envVar: 'LINKS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    localIndexes: [{ name: 'byCreated', sortKey: { name: 'created', type: 'S' } }],
    stream: 'NEW_AND_OLD_IMAGES',
  },
  users: {
    envVar: 'USERS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    localIndexes: [],
    ttlAttribute: 'expires_at_epoch',
  },
} as const satisfies Record<string, TableDeclaration>;

export type TableName = keyof typeof tables;

export interface QueueDeclaration {
  /** Environment variable through which functions learn the queue's URL. */
  envVar: string;
  visibilityTimeoutSeconds: number;
  /** Receives after which a message moves to the queue's dead-letter queue. */
  maxReceiveCount: number;
}

export interface BucketDeclaration {
  envVar: string;
}

/** Queues and buckets: none yet; the news pipeline and the link checker declare theirs here. */
export const queues: Record<string, QueueDeclaration> = {};
export const buckets: Record<string, BucketDeclaration> = {};
export type TableAccess = 'read' | 'readwrite';

export interface FunctionDeclaration {
  /** Module under functions/ that exports `handler`, without extension. */
  entry: string;
  /** What the function may do to each table; the CDK grants exactly this and nothing else. */
  tables: Partial<Record<TableName, TableAccess>>;
  /** Needs the key that signs pagination tokens. */
  pageTokens?: boolean;
  memoryMb?: number;
  timeoutSeconds?: number;
  /** Exists only in the local runtime; never deployed. */
  localOnly?: boolean;
}

/** Every function authenticates its callers against the users table, so reading it is part of the baseline. */
const authenticated = { users: 'read' } as const;

export const functions = {
  healthz: { entry: 'ops/healthz', tables: {} },
  openapi: { entry: 'ops/openapi', tables: {} },
  docs: { entry: 'ops/docs', tables: {} },
  notFound: { entry: 'ops/not-found', tables: {} },
  devLogin: { entry: 'users/dev-login', tables: { users: 'readwrite' }, localOnly: true },
  logout: { entry: 'users/logout', tables: { users: 'readwrite' } },
  listLinks: { entry: 'links/list-links', tables: { ...authenticated, links: 'read' }, pageTokens: true },
  addLink: { entry: 'links/add-link', tables: { ...authenticated, links: 'readwrite' } },
  updateLink: { entry: 'links/update-link', tables: { ...authenticated, links: 'readwrite' } },
  deleteLink: { entry: 'links/delete-link', tables: { ...authenticated, links: 'readwrite' } },
  listTags: { entry: 'links/list-tags', tables: { ...authenticated, links: 'read' } },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionName = keyof typeof functions;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDeclaration {
  method: HttpMethod;
  /** API Gateway path syntax: `{name}` for a path parameter. */
  path: string;
  function: FunctionName;
  /** Needs an access token. */
  auth: boolean;
}

/** The contract serves every versioned route under both `/v1` and `/v1.0` (the book's clients use `/v1.0`). */
const API_VERSION_PREFIXES = ['/v1', '/v1.0'] as const;

function versioned(method: HttpMethod, path: string, fn: FunctionName): RouteDeclaration[] {
  return API_VERSION_PREFIXES.map((prefix) => ({
    method,
    path: `${prefix}${path}`,
    function: fn,
    auth: true,
  }));
}

export const routes: RouteDeclaration[] = [
  { method: 'GET', path: '/healthz', function: 'healthz', auth: false },
  { method: 'GET', path: '/openapi.json', function: 'openapi', auth: false },
  { method: 'GET', path: '/docs', function: 'docs', auth: false },
  { method: 'POST', path: '/dev/login', function: 'devLogin', auth: false },
  { method: 'POST', path: '/logout', function: 'logout', auth: true },
  { method: 'GET', path: '/logout', function: 'logout', auth: true },
  ...versioned('GET', '/links', 'listLinks'),
  ...versioned('POST', '/links', 'addLink'),
  ...versioned('PUT', '/links', 'updateLink'),
  ...versioned('PATCH', '/links', 'updateLink'),
  ...versioned('DELETE', '/links', 'deleteLink'),
  ...versioned('GET', '/tags', 'listTags'),
];

/** Requests that match no route go here, so that 404 and 405 answers keep the contract's error format. */
export const fallbackFunction: FunctionName = 'notFound';

export function isDeployed(route: RouteDeclaration): boolean {
  return !(functions[route.function] as FunctionDeclaration).localOnly;
}

export function deployedFunctionNames(): FunctionName[] {
  return (Object.keys(functions) as FunctionName[]).filter(
    (name) => !(functions[name] as FunctionDeclaration).localOnly,
  );
}

export function tableEnvironment(names: Record<TableName, string>): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(tables) as TableName[]).map((table) => [tables[table].envVar, names[table]]),
  );
}

/** Paths split into segments; `{name}` segments match anything and bind a path parameter. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    const actual = got[i]!;
    if (segment.startsWith('{') && segment.endsWith('}')) {
      if (actual === '') return undefined;
      params[segment.slice(1, -1)] = decodeURIComponent(actual);
    } else if (segment !== actual) {
      return undefined;
    }
  }
  return params;
}

/** The methods that a path accepts, for the `Allow` header of a 405. */
export function allowedMethods(path: string, candidates: RouteDeclaration[] = routes): HttpMethod[] {
  return [...new Set(candidates.filter((r) => matchPath(r.path, path)).map((r) => r.method))];
}
