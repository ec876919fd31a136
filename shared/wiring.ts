/**
 * The one declaration of how Delinkcious is wired: tables, functions and routes, as plain data.
 *
 * The CDK app (lib/) turns it into AWS resources and the local runtime (local/) into DynamoDB Local tables
 * and an HTTP router, stream and queue pollers, so the two cannot drift apart.
 */

import { keyPrefixes } from './keys.ts';
import { LINK_CHECK_ATTRIBUTES, STALE_LINK_SCAN_ATTRIBUTES } from './links/checks.ts';

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
  /** Global secondary indexes (all attributes projected). */
  globalIndexes?: { name: string; partitionKey: KeyDeclaration; sortKey: KeyDeclaration }[];
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
  social: {
    envVar: 'SOCIAL_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    localIndexes: [{ name: 'followingBySince', sortKey: { name: 'since_key', type: 'S' } }],
    globalIndexes: [
      {
        name: 'followersBySince',
        partitionKey: { name: 'followed_pk', type: 'S' },
        sortKey: { name: 'since_key', type: 'S' },
      },
    ],
    stream: 'NEW_AND_OLD_IMAGES',
  },
  feeds: {
    envVar: 'FEEDS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    localIndexes: [{ name: 'byTime', sortKey: { name: 'time_key', type: 'S' } }],
    ttlAttribute: 'expires_at_epoch',
  },
} as const satisfies Record<string, TableDeclaration>;

export type TableName = keyof typeof tables;

export interface QueueDeclaration {
  /** Environment variable through which functions learn the queue's URL. */
  envVar: string;
  /** At least six times the consumer's timeout, as AWS advises for event source mappings. */
  visibilityTimeoutSeconds: number;
  /** Receives after which a message moves to the queue's dead-letter queue; none for failure queues. */
  maxReceiveCount?: number;
  /**
   * A fair queue: the field of each message's JSON body that names its tenant. Producers send it as the
   * message's MessageGroupId (an SQS fair queue: a standard queue that serves quiet tenants first when one tenant
   * has a backlog); the local poller, whose emulator drops MessageGroupId on standard queues, reads it from the
   * body and hands messages out round-robin by tenant. See `messageGroupOf`.
   */
  fairBy?: string;
}

export const queues = {
  /** Fan-out work past the first page of an author's followers: an event and a cursor. */
  fanOut: { envVar: 'FANOUT_QUEUE_URL', visibilityTimeoutSeconds: 180, maxReceiveCount: 5 },
  /** One link event and a batch of followers whose feeds receive it. */
  feedWrites: { envVar: 'FEED_WRITES_QUEUE_URL', visibilityTimeoutSeconds: 180, maxReceiveCount: 5 },
  /** Where stream records go after their retries run out (the streams' on-failure destination). */
  streamFailures: { envVar: 'STREAM_FAILURES_QUEUE_URL', visibilityTimeoutSeconds: 30 },
  /**
   * One link to check (shared/checker/model.ts): from the links stream (new links) and the daily re-check.
   * Six times checkLink's timeout; after 3 receives a message goes to the dead-letter queue. Fair by the link's
   * owner, so that one user's import of thousands of links does not hold up everybody else's checks.
   */
  linkChecks: {
    envVar: 'LINK_CHECKS_QUEUE_URL',
    visibilityTimeoutSeconds: 720,
    maxReceiveCount: 3,
    fairBy: 'username',
  },
} as const satisfies Record<string, QueueDeclaration>;

export type QueueName = keyof typeof queues;

/**
 * The tenant of a message bound for (or received from) a fair queue: its body's `fairBy` field, when that is a
 * non-empty string; undefined on other queues and for bodies without one (SQS treats a message without a group
 * on a fair queue as a tenant of its own).
 */
export function messageGroupOf(declaration: QueueDeclaration, body: string): string | undefined {
  if (!declaration.fairBy) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const tenant = (parsed as Record<string, unknown>)[declaration.fairBy];
  return typeof tenant === 'string' && tenant !== '' ? tenant : undefined;
}

/**
 * An S3 bucket. Every bucket is private (all public access blocked, objects owned by the bucket owner),
 * encrypted at rest (S3-managed keys), refuses requests without TLS (`aws:SecureTransport`), and keeps its
 * objects under `keyPrefix`, to which the grants of the functions that declare it are limited.
 */
export interface BucketDeclaration {
  /** Environment variable through which functions learn the bucket's name. */
  envVar: string;
  /** Every object lives under this prefix; grants are scoped to `<prefix>*`. */
  keyPrefix: string;
  lifecycle: {
    /** Incomplete multipart uploads are aborted after this many days. */
    abortIncompleteUploadsAfterDays: number;
    /** Objects move to S3 Intelligent-Tiering after this many days. */
    intelligentTieringAfterDays?: number;
    /** Objects expire after this many days (none: kept until their owner goes). */
    expireAfterDays?: number;
  };
}

export const buckets = {
  /**
   * Page snapshots of the link checker: `snapshots/<username>/<url hash>/<fetch time>.html.gz`, gzip-compressed
   * HTML with its content type and fetch time. The checker keeps the newest few per link; deleting a link
   * deletes its snapshots (from the links stream). They live as long as their link, so nothing expires them.
   */
  snapshots: {
    envVar: 'SNAPSHOTS_BUCKET',
    keyPrefix: 'snapshots/',
    lifecycle: { abortIncompleteUploadsAfterDays: 1, intelligentTieringAfterDays: 30 },
  },
} as const satisfies Record<string, BucketDeclaration>;

export type BucketName = keyof typeof buckets;

/**
 * What a function may do with a bucket's objects under its prefix:
 * - `read`: s3:GetObject and s3:ListBucket (presigned downloads are signed with the function's own rights);
 * - `readwrite`: s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket;
 * - `delete`: s3:DeleteObject and s3:ListBucket (to find what to delete).
 * s3:ListBucket is conditioned on `s3:prefix` starting with the bucket's prefix.
 */
export type BucketAccess = 'read' | 'readwrite' | 'delete';

/** Items of a table, named by the prefix that their partition key starts with (shared/keys.ts). */
export type KeyPrefixes = readonly string[];

/**
 * What a function may do to a table, down to the item: each kind of call is allowed only on items whose partition
 * key starts with one of its prefixes (IAM condition `dynamodb:LeadingKeys`); a kind not listed is not allowed.
 * Within a transaction, each Put, Update and Delete needs its own kind, as alone.
 */
export interface TableReach {
  /** GetItem and Query, on the table and its indexes. */
  read?: KeyPrefixes;
  /** BatchGetItem: up to 100 items by key in one call. */
  batchRead?: KeyPrefixes;
  /** PutItem: creates or replaces whole items. */
  put?: KeyPrefixes;
  /** UpdateItem. */
  update?: KeyPrefixes;
  /** DeleteItem. */
  delete?: KeyPrefixes;
  /** BatchWriteItem: puts and deletes of whole items, 25 a call. */
  batchWrite?: KeyPrefixes;
  /**
   * With `update`: the only attributes that an UpdateItem may name besides the keys, to set them or to test them
   * in its condition (IAM `dynamodb:Attributes`); it may return no others (`dynamodb:ReturnValues` NONE,
   * UPDATED_OLD or UPDATED_NEW). Such a function must neither put nor delete: those replace whole items.
   */
  updatedAttributes?: readonly string[];
  /**
   * Scan of the whole table (no key condition can limit a Scan), naming and returning only these attributes
   * besides the keys: the Scan must ask for `Select: SPECIFIC_ATTRIBUTES`.
   */
  scannedAttributes?: readonly string[];
}

/** The kinds of item calls of a `TableReach`, each allowed on items by their key prefixes. */
export const ITEM_CALLS = ['read', 'batchRead', 'put', 'update', 'delete', 'batchWrite'] as const;
export type ItemCall = (typeof ITEM_CALLS)[number];

/** What makes a reach impossible to grant as it says; none for a sound one. */
export function reachProblems(reach: TableReach): string[] {
  const problems: string[] = [];
  if (reach.updatedAttributes) {
    if (!reach.update?.length) problems.push('updatedAttributes without update');
    for (const whole of ['put', 'delete', 'batchWrite'] as const) {
      if (reach[whole]?.length) problems.push(`updatedAttributes with ${whole}, which replaces whole items`);
    }
  }
  for (const call of ITEM_CALLS) {
    for (const prefix of reach[call] ?? []) {
      if (prefix.length === 0 || /[*?]/.test(prefix))
        problems.push(`${call}: "${prefix}" is not a key prefix`);
    }
  }
  return problems;
}

/** Whether a reach writes anything: the tables' owners are the contexts that write them (lib/contexts.ts). */
export function writes(reach: TableReach): boolean {
  return ITEM_CALLS.some((call) => call !== 'read' && call !== 'batchRead' && (reach[call]?.length ?? 0) > 0);
}

export interface FunctionDeclaration {
  /** Module under functions/ that exports `handler`, without extension. */
  entry: string;
  /** What the function may do to each table's items; the CDK grants exactly this and nothing else. */
  tables: Partial<Record<TableName, TableReach>>;
  /** Queues the function sends to. */
  sendsTo?: QueueName[];
  /** What the function may do in each bucket (objects under its prefix only); the CDK grants exactly this. */
  buckets?: Partial<Record<BucketName, BucketAccess>>;
  /** Needs the key that signs pagination tokens. */
  pageTokens?: boolean;
  memoryMb?: number;
  timeoutSeconds?: number;
  /** Exists only in the local runtime; never deployed. */
  localOnly?: boolean;
  /**
   * Takes part in GitHub login: needs the OAuth app's public settings, GITHUB_CLIENT_ID and GITHUB_CALLBACK_URL
   * (`<API URL>/login/authorized`), in its environment.
   */
  githubApp?: boolean;
  /**
   * Exchanges GitHub login codes: needs the OAuth app's client secret, which lives in Secrets Manager. The CDK
   * passes its ARN as GITHUB_CLIENT_SECRET_ARN and grants secretsmanager:GetSecretValue to these functions only.
   */
  githubSecret?: boolean;
}

const { users: userKeys, links: linkKeys, social: socialKeys, feeds: feedKeys } = keyPrefixes;

/**
 * An authenticated function finds its caller by the session item of the presented token's hash: of the users
 * table, it reads that, and no profile, e-mail, login state or identity (unless it says so).
 */
const readsSessions = { read: [userKeys.session] } as const;

export const functions = {
  healthz: { entry: 'ops/healthz', tables: {} },
  openapi: { entry: 'ops/openapi', tables: {} },
  docs: { entry: 'ops/docs', tables: {} },
  notFound: { entry: 'ops/not-found', tables: {} },
  /** Registers the user if new (the profile item) and issues a session. */
  devLogin: {
    entry: 'users/dev-login',
    tables: { users: { put: [userKeys.profile, userKeys.session] } },
    localOnly: true,
  },
  /** Deletes the caller's session. */
  logout: {
    entry: 'users/logout',
    tables: { users: { read: [userKeys.session], delete: [userKeys.session] } },
  },
  /** Writes the login's state (hashed, 10 minutes) to the users table: that, and nothing else. */
  login: { entry: 'users/login', tables: { users: { put: [userKeys.loginState] } }, githubApp: true },
  /**
   * Uses up the state (deletes it), finds the GitHub identity, registers (identity and profile, one transaction)
   * or refreshes the user, issues a session; the only reader of the secret.
   */
  loginCallback: {
    entry: 'users/login-callback',
    tables: {
      users: {
        read: [userKeys.gitHubIdentity, userKeys.profile],
        put: [userKeys.gitHubIdentity, userKeys.session],
        update: [userKeys.profile],
        delete: [userKeys.loginState],
      },
    },
    githubApp: true,
    githubSecret: true,
    timeoutSeconds: 15,
  },
  /** Profiles count links (the links context's counters item) and follows (the social context's). */
  me: {
    entry: 'users/me',
    tables: {
      users: { read: [userKeys.session, userKeys.profile] },
      links: { read: [linkKeys.owner] },
      social: { read: [socialKeys.user] },
    },
  },
  getUser: {
    entry: 'users/get-user',
    tables: {
      users: { read: [userKeys.session, userKeys.profile] },
      links: { read: [linkKeys.owner] },
      social: { read: [socialKeys.user] },
    },
  },
  listLinks: {
    entry: 'links/list-links',
    tables: { users: readsSessions, links: { read: [linkKeys.owner] } },
    pageTokens: true,
  },
  /** Puts the link and counts it (the counters item), in one transaction. */
  addLink: {
    entry: 'links/add-link',
    tables: {
      users: readsSessions,
      links: { read: [linkKeys.owner], put: [linkKeys.owner], update: [linkKeys.owner] },
    },
  },
  /** Replaces the link if its version is the one read. */
  updateLink: {
    entry: 'links/update-link',
    tables: { users: readsSessions, links: { read: [linkKeys.owner], put: [linkKeys.owner] } },
  },
  /** Deletes the link and counts it down (the counters item), in one transaction. */
  deleteLink: {
    entry: 'links/delete-link',
    tables: { users: readsSessions, links: { update: [linkKeys.owner], delete: [linkKeys.owner] } },
  },
  listTags: { entry: 'links/list-tags', tables: { users: readsSessions, links: { read: [linkKeys.owner] } } },
  /** Checks that the followed user exists (their profile), then puts the edge and counts it, in one transaction. */
  follow: {
    entry: 'social/follow',
    tables: {
      users: { read: [userKeys.session, userKeys.profile] },
      social: { put: [socialKeys.user], update: [socialKeys.user] },
    },
  },
  unfollow: {
    entry: 'social/unfollow',
    tables: { users: readsSessions, social: { update: [socialKeys.user], delete: [socialKeys.user] } },
  },
  listFollowing: {
    entry: 'social/list-following',
    tables: { users: readsSessions, social: { read: [socialKeys.user] } },
    pageTokens: true,
  },
  listFollowers: {
    entry: 'social/list-followers',
    tables: { users: readsSessions, social: { read: [socialKeys.user] } },
    pageTokens: true,
  },
  getNews: {
    entry: 'news/get-news',
    tables: { users: readsSessions, feeds: { read: [feedKeys.reader] } },
    pageTokens: true,
  },
  fanOutLinkEvents: {
    entry: 'news/fan-out-link-events',
    tables: { social: { read: [socialKeys.user] } },
    sendsTo: ['fanOut', 'feedWrites'],
    timeoutSeconds: 30,
  },
  continueFanOut: {
    entry: 'news/continue-fan-out',
    tables: { social: { read: [socialKeys.user] } },
    sendsTo: ['fanOut', 'feedWrites'],
    timeoutSeconds: 30,
  },
  writeFeeds: {
    entry: 'news/write-feeds',
    tables: {
      feeds: { read: [feedKeys.reader], update: [feedKeys.reader] },
      social: { batchRead: [socialKeys.user] },
    },
    timeoutSeconds: 30,
  },
  applyFollowChanges: {
    entry: 'news/apply-follow-changes',
    tables: {
      feeds: { read: [feedKeys.reader], update: [feedKeys.reader] },
      links: { read: [linkKeys.owner] },
      social: { batchRead: [socialKeys.user] },
    },
    timeoutSeconds: 30,
  },
  /**
   * The link checker (shared/checker/). The links stream's second consumer queues a check for each new link
   * and deletes the snapshots of each deleted one.
   */
  enqueueLinkChecks: {
    entry: 'checker/enqueue-link-checks',
    tables: {},
    sendsTo: ['linkChecks'],
    buckets: { snapshots: 'delete' },
    timeoutSeconds: 30,
  },
  /**
   * Checks one link per message (up to ~65 s with retries: 3 attempts of HEAD and GET at 10 s each, plus
   * backoff), records its status on the link and keeps the page's snapshot. Reads the link, and updates only the
   * check's attributes of it: it parses untrusted pages, so it can neither put nor delete a link.
   */
  checkLink: {
    entry: 'checker/check-link',
    tables: {
      links: {
        read: [linkKeys.owner],
        update: [linkKeys.owner],
        updatedAttributes: LINK_CHECK_ATTRIBUTES,
      },
    },
    buckets: { snapshots: 'readwrite' },
    memoryMb: 512,
    timeoutSeconds: 120,
  },
  /** Daily (see `schedules`): queues checks of links not checked for 7 days, fairly across users. */
  recheckStaleLinks: {
    entry: 'checker/recheck-stale-links',
    tables: { links: { scannedAttributes: STALE_LINK_SCAN_ATTRIBUTES } },
    sendsTo: ['linkChecks'],
    timeoutSeconds: 900,
  },
  /** A 302 to a presigned download (5 minutes) of the latest snapshot of one of the caller's links. */
  getSnapshot: {
    entry: 'checker/get-snapshot',
    tables: { users: readsSessions, links: { read: [linkKeys.owner] } },
    buckets: { snapshots: 'read' },
  },
  /** Local runtime only: fires the daily re-check by hand (POST /dev/recheck). */
  devRecheck: {
    entry: 'checker/dev-recheck',
    tables: { users: readsSessions, links: { scannedAttributes: STALE_LINK_SCAN_ATTRIBUTES } },
    sendsTo: ['linkChecks'],
    localOnly: true,
    timeoutSeconds: 60,
  },
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
  { method: 'GET', path: '/login', function: 'login', auth: false },
  { method: 'GET', path: '/login/authorized', function: 'loginCallback', auth: false },
  ...versioned('GET', '/me', 'me'),
  ...versioned('GET', '/users/{username}', 'getUser'),
  ...versioned('GET', '/links', 'listLinks'),
  ...versioned('POST', '/links', 'addLink'),
  ...versioned('PUT', '/links', 'updateLink'),
  ...versioned('PATCH', '/links', 'updateLink'),
  ...versioned('DELETE', '/links', 'deleteLink'),
  ...versioned('GET', '/links/snapshot', 'getSnapshot'),
  ...versioned('GET', '/tags', 'listTags'),
  ...versioned('POST', '/following', 'follow'),
  ...versioned('DELETE', '/following/{username}', 'unfollow'),
  ...versioned('DELETE', '/following', 'unfollow'),
  ...versioned('GET', '/following', 'listFollowing'),
  ...versioned('GET', '/followers', 'listFollowers'),
  ...versioned('GET', '/news', 'getNews'),
  { method: 'POST', path: '/dev/recheck', function: 'devRecheck', auth: true },
];

/** How a function is triggered other than by HTTP, with Lambda's event source mapping settings. */
export type EventSourceDeclaration =
  | {
      kind: 'stream';
      table: TableName;
      function: FunctionName;
      batchSize: number;
      maxBatchingWindowSeconds: number;
      /** Retries of a failing batch before its records go to `onFailure`. */
      retryAttempts: number;
      bisectBatchOnError: boolean;
      onFailure: QueueName;
    }
  | {
      kind: 'queue';
      queue: QueueName;
      function: FunctionName;
      batchSize: number;
      maxBatchingWindowSeconds: number;
      /** At most this many concurrent invocations, so a burst cannot exhaust the account's concurrency. */
      maxConcurrency: number;
    };

export const eventSources: EventSourceDeclaration[] = [
  {
    kind: 'stream',
    table: 'links',
    function: 'fanOutLinkEvents',
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    retryAttempts: 5,
    bisectBatchOnError: true,
    onFailure: 'streamFailures',
  },
  {
    kind: 'stream',
    table: 'social',
    function: 'applyFollowChanges',
    batchSize: 25,
    maxBatchingWindowSeconds: 1,
    retryAttempts: 5,
    bisectBatchOnError: true,
    onFailure: 'streamFailures',
  },
  {
    kind: 'queue',
    queue: 'fanOut',
    function: 'continueFanOut',
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxConcurrency: 10,
  },
  {
    kind: 'queue',
    queue: 'feedWrites',
    function: 'writeFeeds',
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    maxConcurrency: 20,
  },
  {
    kind: 'stream',
    table: 'links',
    function: 'enqueueLinkChecks',
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    retryAttempts: 5,
    bisectBatchOnError: true,
    onFailure: 'streamFailures',
  },
  // Checks run in parallel within a batch; the concurrency cap paces the queue (and the load on the web).
  {
    kind: 'queue',
    queue: 'linkChecks',
    function: 'checkLink',
    batchSize: 5,
    maxBatchingWindowSeconds: 0,
    maxConcurrency: 5,
  },
];

/** A function run on a schedule (an EventBridge rule), with the schedule expression of the rule. */
export interface ScheduleDeclaration {
  function: FunctionName;
  /** EventBridge syntax: `rate(1 day)` or `cron(...)`. */
  expression: string;
  description: string;
}

export const schedules: ScheduleDeclaration[] = [
  {
    function: 'recheckStaleLinks',
    expression: 'rate(1 day)',
    description: 'Re-check links not checked for 7 days',
  },
];

/** Requests that match no route go here, so that 404 and 405 answers keep the contract's error format. */
export const fallbackFunction: FunctionName = 'notFound';

/**
 * Per-client rate limiting (shared/http/rate-limit.ts): every function that serves HTTP counts each request in a
 * `RATE#` item of the users table, with one conditional UpdateItem. Each such function needs USERS_TABLE and the
 * stage's RATE_LIMIT_PER_SECOND and RATE_LIMIT_BURST in its environment, and `actions` on the table restricted to
 * items whose partition key starts with `keyPrefix` (IAM condition `dynamodb:LeadingKeys`), beside whatever
 * `tables` grants. Without USERS_TABLE a function serves unlimited (and logs a warning at cold start).
 */
export const rateLimiting = {
  table: 'users',
  keyPrefix: keyPrefixes.users.rate,
  actions: ['dynamodb:UpdateItem'],
} as const satisfies { table: TableName; keyPrefix: string; actions: string[] };

/** The functions that serve HTTP (the targets of routes, and the fallback): each one is rate-limited. */
export function httpFunctionNames(): FunctionName[] {
  return [...new Set<FunctionName>([...routes.map((route) => route.function), fallbackFunction])];
}

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

/**
 * Paths split into segments; `{name}` segments match anything and bind a path parameter, percent-decoded as
 * API Gateway hands it to a function. A segment whose escapes do not decode (`%E0%A4%A`, `%FF`) binds as sent,
 * so that the route still matches and the handler's validation answers 400 instead of the router failing.
 */
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
      params[segment.slice(1, -1)] = decodePathSegment(actual);
    } else if (segment !== actual) {
      return undefined;
    }
  }
  return params;
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The methods that a path accepts, for the `Allow` header of a 405. */
export function allowedMethods(path: string, candidates: RouteDeclaration[] = routes): HttpMethod[] {
  return [...new Set(candidates.filter((r) => matchPath(r.path, path)).map((r) => r.method))];
}
