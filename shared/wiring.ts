/**
 * The one declaration of how Delinkcious is wired: tables, functions and routes, as plain data.
 *
 * The CDK app (lib/) turns it into AWS resources and the local runtime (local/) into DynamoDB Local tables
 * and an HTTP router, stream and queue pollers, so the two cannot drift apart.
 */

import { keyPrefixes } from './keys.ts';
import { LINK_CHECK_ATTRIBUTES, STALE_LINK_SCAN_ATTRIBUTES } from './links/checks.ts';

/**
 * The bounded contexts: every table, queue and bucket names the one that owns it, each context lists its
 * functions (`functionsByContext`), and the CDK app builds one construct per context in each stack
 * (lib/contexts.ts groups the declarations by it). A function lives in its context's folder under functions/;
 * `ops` holds the service's own endpoints, and `shared` what several contexts use alike (the streams' one
 * failure queue).
 */
export type ContextName =
  'ops' | 'users' | 'links' | 'social' | 'news' | 'checker' | 'imports' | 'search' | 'shared';

export type AttributeType = 'S' | 'N';

interface KeyDeclaration {
  name: string;
  type: AttributeType;
}

export interface TableDeclaration {
  /** The context that owns it, as the architecture says (news owns the feeds). */
  context: ContextName;
  /** Environment variable through which functions learn the table's name. */
  envVar: string;
  partitionKey: KeyDeclaration;
  /** None for a table whose items are found by their partition key alone. */
  sortKey?: KeyDeclaration;
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
    context: 'links',
    envVar: 'LINKS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    localIndexes: [
      { name: 'byCreated', sortKey: { name: 'created', type: 'S' } },
      // Sparse: only public links carry its sort key (shared/links/table.ts).
      { name: 'byPublic', sortKey: { name: 'public_created', type: 'S' } },
    ],
    stream: 'NEW_AND_OLD_IMAGES',
  },
  users: {
    context: 'users',
    envVar: 'USERS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    localIndexes: [],
    ttlAttribute: 'expires_at_epoch',
  },
  social: {
    context: 'social',
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
    // The ends of follows go a day after (shared/social/dynamodb.ts).
    ttlAttribute: 'expires_at_epoch',
    stream: 'NEW_AND_OLD_IMAGES',
  },
  feeds: {
    context: 'news',
    envVar: 'FEEDS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    localIndexes: [{ name: 'byTime', sortKey: { name: 'time_key', type: 'S' } }],
    ttlAttribute: 'expires_at_epoch',
  },
  /** One item per import of a bookmark file (shared/imports/table.ts). */
  imports: {
    context: 'imports',
    envVar: 'IMPORTS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    localIndexes: [],
  },
  /**
   * The first answer of each POST sent with an `Idempotency-Key` (shared/http/idempotency.ts), kept 24 hours for
   * its retries: Powertools Idempotency's record, `id` = `<function>#<sha256 of the caller and the key>`, with its
   * status, the hash of the request it answered, and the answer sealed with a key that only the client holds. The
   * records of one function start with its name, and each POST function may touch only its own
   * (`idempotentRequests`). Used by no context: the route wrapper keeps it, so the shared context owns it.
   */
  idempotency: {
    context: 'shared',
    envVar: 'IDEMPOTENCY_TABLE',
    partitionKey: { name: 'id', type: 'S' },
    localIndexes: [],
    ttlAttribute: 'expiration',
  },
} as const satisfies Record<string, TableDeclaration>;

export type TableName = keyof typeof tables;

export interface QueueDeclaration {
  /** The context that owns it: that of the functions it triggers. */
  context: ContextName;
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
  /**
   * A FIFO queue: the field of each message's JSON body that is its MessageGroupId. Messages of one group are
   * delivered in order and one batch at a time (so their consumer is the group's only writer); each message's
   * MessageDeduplicationId is the hash of its body, so a resend of the same message within five minutes is
   * dropped. Its dead-letter queue is FIFO too.
   */
  fifoBy?: string;
}

export const queues = {
  /** Fan-out work past the first page of an author's followers: an event and a cursor. */
  fanOut: { context: 'news', envVar: 'FANOUT_QUEUE_URL', visibilityTimeoutSeconds: 180, maxReceiveCount: 5 },
  /**
   * Every write to readers' feeds: a link change for a batch of followers, or a follow begun or ended for the
   * follower. FIFO by the readers' group (`group`, one of FEED_WRITE_GROUPS, a hash of the reader's name), so
   * that a group's one consumer is the only writer of its readers' feeds (shared/news/dynamodb.ts,
   * ExclusiveFeedStore).
   */
  feedWrites: {
    context: 'news',
    envVar: 'FEED_WRITES_QUEUE_URL',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    fifoBy: 'group',
  },
  /**
   * Where stream records go after their retries run out: the on-failure destination of the news and checker
   * contexts' streams alike, so it is shared.
   */
  streamFailures: { context: 'shared', envVar: 'STREAM_FAILURES_QUEUE_URL', visibilityTimeoutSeconds: 30 },
  /**
   * One link to check (shared/checker/model.ts): from the links stream (new links) and the daily re-check.
   * Six times checkLink's timeout; after 3 receives a message goes to the dead-letter queue. Fair by the link's
   * owner, so that one user's import of thousands of links does not hold up everybody else's checks.
   */
  linkChecks: {
    context: 'checker',
    envVar: 'LINK_CHECKS_QUEUE_URL',
    visibilityTimeoutSeconds: 720,
    maxReceiveCount: 3,
    fairBy: 'username',
  },
  /**
   * One step of an account's erasure (shared/users/erasure.ts): `{username, step, cursor?}`. The first message
   * comes from DELETE /v1/me; each run that nears its time limit sends the next. Six times eraseAccount's timeout.
   */
  accountErasures: {
    context: 'users',
    envVar: 'ACCOUNT_ERASURES_QUEUE_URL',
    visibilityTimeoutSeconds: 720,
    maxReceiveCount: 5,
  },
  /**
   * S3's notification of each bookmark file uploaded to the imports bucket (and an import's own continuation,
   * the same message sent again when an invocation runs short of time). Six times runImport's timeout.
   */
  importUploads: {
    context: 'imports',
    envVar: 'IMPORT_UPLOADS_QUEUE_URL',
    visibilityTimeoutSeconds: 1800,
    maxReceiveCount: 5,
  },
  /**
   * Each change of a link for its owner's search index (shared/search/model.ts), from the links stream's
   * dispatcher: FIFO by username, so that a user's changes apply in order and one updater writes a user's index
   * at a time. Six times updateSearchIndex's timeout.
   */
  searchUpdates: {
    context: 'search',
    envVar: 'SEARCH_UPDATES_QUEUE_URL',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    fifoBy: 'username',
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
  /** The context that owns it: the one whose functions write it. */
  context: ContextName;
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
  /**
   * S3 sends an event notification of every object created under the prefix to this queue (locally, the runtime
   * sends the same message when it sees a new object: the emulator has no notifications).
   */
  notifyCreatedTo?: QueueName;
  /**
   * What a browser page may send straight to the bucket, with a URL a function presigned (the URL is the
   * permission; CORS only lets the page read the answer): S3 answers the preflight of these methods and request
   * headers. The origins are the stage's (the API's CORS origins); locally any, as the emulator listens on
   * 127.0.0.1 only. The CDK app declares it on the bucket, the local runtime puts it with PutBucketCors, and the web
   * client's CSP admits the bucket's origin in `connect-src` (shared/http/page-security.ts).
   */
  browserAccess?: { methods: readonly 'PUT'[]; headers: readonly string[]; maxAgeSeconds: number };
}

export const buckets = {
  /**
   * Page snapshots of the link checker: `snapshots/<username>/<url hash>/<fetch time>.html.gz`, gzip-compressed
   * HTML with its content type and fetch time. The checker keeps the newest few per link; deleting a link
   * deletes its snapshots (from the links stream). They live as long as their link, so nothing expires them.
   */
  snapshots: {
    context: 'checker',
    envVar: 'SNAPSHOTS_BUCKET',
    keyPrefix: 'snapshots/',
    lifecycle: { abortIncompleteUploadsAfterDays: 1, intelligentTieringAfterDays: 30 },
  },
  /**
   * Exports too large for an HTTP answer (over ~5 MB): `exports/<username>/<time>.html|json`, downloaded through
   * a presigned URL valid for 15 minutes. A download is all they are for, so they expire after a day.
   */
  exports: {
    context: 'links',
    envVar: 'EXPORTS_BUCKET',
    keyPrefix: 'exports/',
    lifecycle: { abortIncompleteUploadsAfterDays: 1, expireAfterDays: 1 },
  },
  /**
   * Bookmark files to import: `imports/<username>/<import id>`, uploaded with a presigned PUT (15 minutes). Each
   * new object is announced to the importUploads queue; the import deletes its file when it ends, and anything
   * left expires after a day.
   */
  imports: {
    context: 'imports',
    envVar: 'IMPORTS_BUCKET',
    keyPrefix: 'imports/',
    lifecycle: { abortIncompleteUploadsAfterDays: 1, expireAfterDays: 1 },
    notifyCreatedTo: 'importUploads',
    // The web client uploads the chosen file itself; fetch sends the file's type as its Content-Type.
    browserAccess: { methods: ['PUT'], headers: ['content-type'], maxAgeSeconds: 3600 },
  },
  /**
   * Each user's search index (shared/search/s3.ts): `indexes/<username>.json.gz`, written by the updater from the
   * links stream, read (and cached, checked by ETag) by searches. Rebuilt from the links when missing; deleted
   * with its account. Kept as long as its owner.
   */
  searchIndexes: {
    context: 'search',
    envVar: 'SEARCH_INDEXES_BUCKET',
    keyPrefix: 'indexes/',
    lifecycle: { abortIncompleteUploadsAfterDays: 1 },
  },
} as const satisfies Record<string, BucketDeclaration>;

export type BucketName = keyof typeof buckets;

/**
 * What a function may do with a bucket's objects under its prefix:
 * - `read`: s3:GetObject and s3:ListBucket (presigned downloads are signed with the function's own rights);
 * - `readwrite`: s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket;
 * - `delete`: s3:DeleteObject and s3:ListBucket (to find what to delete);
 * - `write`: s3:PutObject (multipart uploads too) and s3:AbortMultipartUpload, and s3:GetObject to presign the
 *   download of what it wrote; no delete;
 * - `upload`: s3:PutObject only, to presign uploads that clients make;
 * - `consume`: s3:GetObject and s3:DeleteObject: read what was uploaded, then remove it.
 * s3:ListBucket is conditioned on `s3:prefix` starting with the bucket's prefix.
 */
export type BucketAccess = 'read' | 'readwrite' | 'delete' | 'write' | 'upload' | 'consume';

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
   * PartiQL INSERT, alone or 25 a call in BatchExecuteStatement: creates a whole item only where none has its key
   * (it never replaces one).
   */
  insert?: KeyPrefixes;
  /** A transaction's ConditionCheck: tests an item without reading it back or writing it. */
  conditionCheck?: KeyPrefixes;
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
export const ITEM_CALLS = [
  'read',
  'batchRead',
  'put',
  'update',
  'delete',
  'batchWrite',
  'insert',
  'conditionCheck',
] as const;
export type ItemCall = (typeof ITEM_CALLS)[number];

/** What makes a reach impossible to grant as it says; none for a sound one. */
export function reachProblems(reach: TableReach): string[] {
  const problems: string[] = [];
  if (reach.updatedAttributes) {
    if (!reach.update?.length) problems.push('updatedAttributes without update');
    for (const whole of ['put', 'delete', 'batchWrite', 'insert'] as const) {
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

/**
 * Memory and timeout of a function, and why.
 *
 * Lambda gives CPU in proportion to memory (one vCPU at 1,769 MB), and a cold start is mostly CPU: reading and
 * compiling a bundle of about 1 MB. 512 MB halves the cold start of 256 MB for about the same cost per request,
 * since a CPU-bound request finishes in about half the time; beyond it the handlers mostly wait on DynamoDB.
 * A queue consumer's timeout is tied to its queue's visibility timeout (at least six times it).
 */
interface FunctionSize {
  memoryMb: number;
  timeoutSeconds: number;
  why: string;
}

/** Functions behind the API: one or two DynamoDB round trips and some JSON. */
export const HTTP_SIZE = {
  memoryMb: 512,
  timeoutSeconds: 10,
  why:
    'an HTTP handler: a few DynamoDB calls (the SDK retries throttling within the 10 s); no client should ' +
    'wait longer, and API Gateway gives up at 30 s',
} as const satisfies FunctionSize;

/**
 * The listings that also search (`q`): they load the owner's index into memory, once per cold start and again
 * when it changed.
 */
export const SEARCH_SIZE = {
  memoryMb: 2048,
  timeoutSeconds: 10,
  why:
    "an HTTP handler that may load one user's search index: for 10,000 links with 10 KB of page text each, " +
    'a 29 MB GET, under 1 s of CPU and 210 MB of peak RSS to load, up to 560 MB once searches decoded their ' +
    'terms (README, "Search"); more memory is more CPU. Warm searches are in memory',
} as const satisfies FunctionSize;

/** Functions fed by a stream or a queue: batches of writes. */
export const EVENT_SIZE = {
  memoryMb: 512,
  timeoutSeconds: 30,
  why: 'an event consumer: a batch of up to 100 records, each a few DynamoDB or SQS calls, with retries',
} as const satisfies FunctionSize;

/**
 * The fan-out's first step (fanOutLinkEvents): news pages wait out its timeout before they stop pushing a newly
 * large author (shared/news/service.ts).
 */
export const FAN_OUT_SIZE: FunctionSize = EVENT_SIZE;

/**
 * The groups of readers on the FIFO feed-write queue: each group's messages are applied one batch at a time, so
 * this many feed writers run at most (the mapping's maxConcurrency), and a page of 1,000 followers makes about
 * this many messages. Changing it regroups readers: messages still queued under the old grouping could then be
 * applied beside the new group's, so drain the queue first.
 */
export const FEED_WRITE_GROUPS = 20;

export interface FunctionDeclaration {
  /** Module under functions/ that exports `handler`, without extension: under its context's folder. */
  entry: string;
  /** Memory and timeout, and why; the CDK app and the local runtime both run it so. */
  size: FunctionSize;
  /** What the function may do to each table's items; the CDK grants exactly this and nothing else. */
  tables: Partial<Record<TableName, TableReach>>;
  /** Queues the function sends to. */
  sendsTo?: QueueName[];
  /** What the function may do in each bucket (objects under its prefix only); the CDK grants exactly this. */
  buckets?: Partial<Record<BucketName, BucketAccess>>;
  /** Needs the key that signs pagination tokens. */
  pageTokens?: boolean;
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

/**
 * Answers what `declare` builds. The functions' declarations are built in it because esbuild keeps every top-level
 * statement that reads a property (a getter could run), and theirs read the key prefixes; a function that has
 * not run yet reads nothing, and this one is marked free of side effects. So a function's bundle drops the
 * declarations, which nothing in it reads (a handler needs its routes and its context, declared apart below),
 * and only the CDK app and the local runtime load them.
 */
/* @__NO_SIDE_EFFECTS__ */
function declareFunctions<T>(declare: () => T): T {
  return declare();
}

export const functions = declareFunctions(() => {
  const {
    users: userKeys,
    links: linkKeys,
    social: socialKeys,
    feeds: feedKeys,
    imports: importKeys,
  } = keyPrefixes;

  /**
   * A news page: the reader's feed, the large authors, their timelines, and the slots of those timelines that the
   * page's backfilled entries came from.
   */
  const newsReads: TableReach = {
    read: [feedKeys.reader, feedKeys.largeAuthors, feedKeys.timeline],
    batchRead: [feedKeys.timeline],
  };

  /**
   * An authenticated function finds its caller by the session item of the presented token's hash: of the users
   * table, it reads that, and no profile, e-mail, login state or identity (unless it says so). It also notes when
   * the credential was last used (`last_used_at`, at most once a minute), and may update nothing else.
   */
  const LAST_USED_ATTRIBUTES = ['last_used_at'] as const;
  const readsSessions = {
    read: [userKeys.session],
    update: [userKeys.session],
    updatedAttributes: LAST_USED_ATTRIBUTES,
  } as const;
  /** Showing a profile: the caller's session, the profile, and the counts the links and social contexts keep. */
  const readsProfiles = {
    users: { ...readsSessions, read: [userKeys.session, userKeys.profile] },
    links: { read: [linkKeys.owner] },
    social: { read: [socialKeys.user] },
  } as const;
  /**
   * Issuing a session: its lookup item (SESSION#) and its owner's list item (in the user's partition, USER#) in one
   * transaction, with a condition check on the profile (live, not being deleted); ending the oldest sessions past
   * the cap, both items each. A query of the user's partition lists her credentials. IAM limits items by partition
   * key only: a put on USER# could name the profile's key too; these functions write only credentials' list items
   * there (and the login callback the profile, by its own update).
   */
  const issuesSessions = {
    read: [userKeys.session, userKeys.profile],
    conditionCheck: [userKeys.profile],
    put: [userKeys.session, userKeys.profile],
    delete: [userKeys.session, userKeys.profile],
  } as const;

  return {
    healthz: {
      entry: 'ops/healthz',
      size: { ...HTTP_SIZE, memoryMb: 256, why: 'answers from memory after one rate-limit update' },
      tables: {},
    },
    openapi: {
      entry: 'ops/openapi',
      size: {
        ...HTTP_SIZE,
        memoryMb: 256,
        why:
          'serves the OpenAPI document written beside its bundle when it was built (lib/bundling.ts), read once ' +
          'per instance; nothing to compute',
      },
      tables: {},
    },
    docs: {
      entry: 'ops/docs',
      size: { ...HTTP_SIZE, memoryMb: 256, why: 'serves one constant page; nothing to compute' },
      tables: {},
    },
    notFound: {
      entry: 'ops/not-found',
      size: {
        ...HTTP_SIZE,
        memoryMb: 256,
        why: 'answers 404 or 405 from the route table after one rate-limit update',
      },
      tables: {},
    },
    /** Registers the user if new (the profile item) and issues a session. */
    devLogin: {
      entry: 'users/dev-login',
      size: HTTP_SIZE,
      tables: { users: issuesSessions },
    },
    /**
     * Deletes the caller's credential (both items, one transaction); with `?everywhere=true`, lists all the
     * caller's credentials (the user's partition) and deletes them in batches.
     */
    logout: {
      entry: 'users/logout',
      size: HTTP_SIZE,
      tables: {
        users: {
          read: [userKeys.session, userKeys.profile],
          update: [userKeys.session],
          delete: [userKeys.session, userKeys.profile],
          batchWrite: [userKeys.session, userKeys.profile],
        },
      },
    },
    /**
     * Issues a personal token as a login issues a session (both items, with the condition check on the profile),
     * without ending anything; it lists the caller's credentials first, to count the live personal tokens.
     */
    createToken: {
      entry: 'users/create-token',
      size: HTTP_SIZE,
      tables: {
        users: {
          read: [userKeys.session, userKeys.profile],
          conditionCheck: [userKeys.profile],
          put: [userKeys.session, userKeys.profile],
          update: [userKeys.session],
        },
      },
    },
    /** Lists the caller's credentials (the user's partition), then their lookup items for `last_used_at`. */
    listTokens: {
      entry: 'users/list-tokens',
      size: HTTP_SIZE,
      tables: {
        users: {
          ...readsSessions,
          read: [userKeys.session, userKeys.profile],
          batchRead: [userKeys.session],
        },
      },
    },
    /** Deletes one of the caller's credentials, both items in one transaction. */
    deleteToken: {
      entry: 'users/delete-token',
      size: HTTP_SIZE,
      tables: {
        users: {
          read: [userKeys.session, userKeys.profile],
          update: [userKeys.session],
          delete: [userKeys.session, userKeys.profile],
        },
      },
    },
    /** Writes the login's state (hashed, 10 minutes) to the users table: that, and nothing else. */
    login: {
      entry: 'users/login',
      size: HTTP_SIZE,
      tables: { users: { put: [userKeys.loginState] } },
      githubApp: true,
    },
    /**
     * Uses up the state (deletes it), finds the GitHub identity, registers (identity and profile, one transaction)
     * or refreshes the user, issues a session; the only reader of the secret.
     */
    loginCallback: {
      entry: 'users/login-callback',
      size: {
        ...HTTP_SIZE,
        timeoutSeconds: 15,
        why:
          'an HTTP handler that also calls GitHub: the code exchange and up to two REST calls of at most 5 s ' +
          "each, besides a few DynamoDB calls; still well within API Gateway's 30 s",
      },
      tables: {
        users: {
          read: [userKeys.gitHubIdentity, userKeys.profile, userKeys.session],
          conditionCheck: [userKeys.profile],
          put: [userKeys.gitHubIdentity, userKeys.session, userKeys.profile],
          update: [userKeys.profile],
          delete: [userKeys.loginState, userKeys.session, userKeys.profile],
        },
      },
      githubApp: true,
      githubSecret: true,
    },
    /** Profiles count links (the links context's counters item) and follows (the social context's). */
    me: {
      entry: 'users/me',
      size: HTTP_SIZE,
      tables: readsProfiles,
    },
    /**
     * DELETE /v1/me: marks the caller's profile as being deleted (`deleting_since`, only if it exists), queues its
     * erasure and ends every session and token of the caller.
     */
    deleteAccount: {
      entry: 'users/delete-account',
      size: HTTP_SIZE,
      // Marks the profile (`deleting_since`), then ends every credential of the caller (tokens().revokeAll).
      tables: {
        users: {
          read: [userKeys.session, userKeys.profile],
          update: [userKeys.session, userKeys.profile],
          delete: [userKeys.session, userKeys.profile],
          batchWrite: [userKeys.session, userKeys.profile],
        },
      },
      sendsTo: ['accountErasures'],
    },
    /**
     * Erases a deleted account, step by step (shared/users/erasure.ts): its follows both ways through the social
     * graph's own transaction, its imports (records and files), its links with their counters, its snapshots, its
     * own news and other readers' entries of it, then its identity mapping and profile. Sends itself the next step
     * when time runs low.
     */
    eraseAccount: {
      entry: 'users/erase-account',
      size: {
        ...EVENT_SIZE,
        timeoutSeconds: 120,
        why:
          'erases an account in bounded chunks (a few hundred items or follows each) until 20 s are left, then ' +
          'queues the rest: any account fits, and a chunk never nears the timeout',
      },
      tables: {
        users: {
          read: [userKeys.profile],
          delete: [userKeys.session, userKeys.profile, userKeys.gitHubIdentity],
          batchWrite: [userKeys.session, userKeys.profile],
          // Ending credentials left by a race with the deletion changes the user's credentials mark.
          update: [userKeys.rate],
        },
        social: {
          read: [socialKeys.user],
          put: [socialKeys.user],
          update: [socialKeys.user],
          delete: [socialKeys.user],
        },
        imports: { read: [importKeys.owner], delete: [importKeys.owner] },
        links: { read: [linkKeys.owner], batchWrite: [linkKeys.owner] },
        feeds: {
          read: [feedKeys.reader, feedKeys.timeline],
          batchWrite: [feedKeys.reader, feedKeys.timeline],
          update: [feedKeys.largeAuthors],
        },
      },
      buckets: { snapshots: 'delete', imports: 'delete', searchIndexes: 'delete' },
      sendsTo: ['accountErasures'],
    },
    getUser: {
      entry: 'users/get-user',
      size: HTTP_SIZE,
      tables: readsProfiles,
    },
    listLinks: {
      entry: 'links/list-links',
      size: SEARCH_SIZE,
      tables: { users: readsSessions, links: { read: [linkKeys.owner], batchRead: [linkKeys.owner] } },
      buckets: { searchIndexes: 'read' },
      // An index of an older format: a rebuild request (shared/search/core.ts).
      sendsTo: ['searchUpdates'],
      pageTokens: true,
    },
    /**
     * Anyone's view of a user's public links: the user's profile (404 without one) and one strongly consistent
     * Query of the links table's sparse byPublic local index.
     */
    listPublicLinks: {
      entry: 'links/list-public-links',
      size: SEARCH_SIZE,
      tables: {
        users: { read: [userKeys.profile] },
        links: { read: [linkKeys.owner] },
      },
      buckets: { searchIndexes: 'read' },
      sendsTo: ['searchUpdates'],
      pageTokens: true,
    },
    /** A user's public links (all, or those with a tag) as an Atom feed: the same reads as listPublicLinks. */
    linkFeed: {
      entry: 'links/link-feed',
      size: HTTP_SIZE,
      tables: {
        users: { read: [userKeys.profile] },
        links: { read: [linkKeys.owner] },
      },
    },
    /**
     * A user's public profile page: the profile and its counts (as getUser reads them), and the newest public
     * links (as listPublicLinks reads them).
     */
    profilePage: {
      entry: 'links/profile-page',
      size: HTTP_SIZE,
      tables: {
        users: { read: [userKeys.profile] },
        links: { read: [linkKeys.owner] },
        social: { read: [socialKeys.user] },
      },
    },
    /** Puts the link and counts it (the counters item), in one transaction. */
    addLink: {
      entry: 'links/add-link',
      size: HTTP_SIZE,
      tables: {
        users: readsSessions,
        links: { read: [linkKeys.owner], put: [linkKeys.owner], update: [linkKeys.owner] },
      },
    },
    /** Replaces the link if its version is the one read. */
    updateLink: {
      entry: 'links/update-link',
      size: HTTP_SIZE,
      tables: { users: readsSessions, links: { read: [linkKeys.owner], put: [linkKeys.owner] } },
    },
    /** Deletes the link and counts it down (the counters item), in one transaction. */
    deleteLink: {
      entry: 'links/delete-link',
      size: HTTP_SIZE,
      tables: { users: readsSessions, links: { update: [linkKeys.owner], delete: [linkKeys.owner] } },
    },
    /**
     * All the caller's links as one file, read a page at a time; past ~5 MB the file goes to the exports bucket
     * and the answer is a 302 to its download.
     */
    exportLinks: {
      entry: 'links/export-links',
      size: {
        memoryMb: 1024,
        timeoutSeconds: 29,
        why:
          "reads every one of the caller's links (10,000 at the default limit: 100 queries of 100) and writes " +
          "the file; more memory is more CPU and network, and API Gateway's 30 s bounds the wait",
      },
      tables: { users: readsSessions, links: { read: [linkKeys.owner] } },
      buckets: { exports: 'write' },
    },
    listTags: {
      entry: 'links/list-tags',
      size: HTTP_SIZE,
      tables: { users: readsSessions, links: { read: [linkKeys.owner] } },
    },
    /** Checks that the followed user exists (their profile), then puts the edge and counts it, in one transaction. */
    follow: {
      entry: 'social/follow',
      size: HTTP_SIZE,
      tables: {
        users: { ...readsSessions, read: [userKeys.session, userKeys.profile] },
        social: { put: [socialKeys.user], update: [socialKeys.user] },
      },
    },
    unfollow: {
      entry: 'social/unfollow',
      size: HTTP_SIZE,
      // Reads the edge's since, then deletes it, records the follow's end (put) and counts, in one transaction.
      tables: {
        users: readsSessions,
        social: {
          read: [socialKeys.user],
          put: [socialKeys.user],
          update: [socialKeys.user],
          delete: [socialKeys.user],
        },
      },
    },
    listFollowing: {
      entry: 'social/list-following',
      size: HTTP_SIZE,
      tables: { users: readsSessions, social: { read: [socialKeys.user] } },
      pageTokens: true,
    },
    listFollowers: {
      entry: 'social/list-followers',
      size: HTTP_SIZE,
      tables: { users: readsSessions, social: { read: [socialKeys.user] } },
      pageTokens: true,
    },
    /**
     * A page of the reader's news: the feed, the timelines of the large authors they follow (and their follow
     * edges), and the links behind the page's adds and updates, read again so that none private or deleted is shown.
     */
    getNews: {
      entry: 'news/get-news',
      size: HTTP_SIZE,
      tables: {
        users: readsSessions,
        feeds: newsReads,
        social: { batchRead: [socialKeys.user] },
        links: { batchRead: [linkKeys.owner] },
      },
      pageTokens: true,
    },
    /**
     * A reader's news as an Atom feed, for feed readers: the credential in the path (its session item, and its
     * last use), and a page of the feeds table, whose links are read again (see getNews).
     */
    newsFeed: {
      entry: 'news/news-feed',
      size: HTTP_SIZE,
      tables: {
        users: readsSessions,
        feeds: newsReads,
        social: { batchRead: [socialKeys.user] },
        links: { batchRead: [linkKeys.owner] },
      },
    },
    /**
     * Records each change in its author's timeline, and lists or ends a large author (shared/news/core.ts,
     * LargeAudiences) before it decides whom to push to.
     */
    fanOutLinkEvents: {
      entry: 'news/fan-out-link-events',
      size: FAN_OUT_SIZE,
      tables: {
        social: { read: [socialKeys.user] },
        feeds: {
          read: [feedKeys.largeAuthors, feedKeys.timeline],
          update: [feedKeys.largeAuthors, feedKeys.timeline],
          insert: [feedKeys.timeline],
        },
      },
      sendsTo: ['fanOut', 'feedWrites'],
    },
    continueFanOut: {
      entry: 'news/continue-fan-out',
      size: EVENT_SIZE,
      tables: { social: { read: [socialKeys.user] } },
      sendsTo: ['fanOut', 'feedWrites'],
    },
    /** The one writer of readers' feeds: their slots read, decided, and written back whole. */
    writeFeeds: {
      entry: 'news/write-feeds',
      size: EVENT_SIZE,
      tables: {
        // Slots read and written back in batches; an unfollow's sweep updates the slots that keep a hidden revision.
        feeds: {
          read: [feedKeys.reader],
          batchRead: [feedKeys.reader],
          batchWrite: [feedKeys.reader],
          update: [feedKeys.reader],
        },
        // A new follower's backfill: the author's recent public links.
        links: { read: [linkKeys.owner] },
        // The follow check: a Query of the author's recent ends of follows, or a BatchGet of the readers' edges.
        social: { read: [socialKeys.user], batchRead: [socialKeys.user] },
      },
    },
    /** The social table's stream: each follow begun or ended goes to its follower's group of feed writes. */
    applyFollowChanges: {
      entry: 'news/apply-follow-changes',
      size: EVENT_SIZE,
      tables: {},
      sendsTo: ['feedWrites'],
    },
    /**
     * The link checker (shared/checker/). The links stream's second consumer queues a check for each new link
     * and deletes the snapshots of each deleted one; as the stream's dispatcher (AWS advises at most two
     * consumers per shard), it also sends each change that matters to search to the searchUpdates queue.
     */
    enqueueLinkChecks: {
      entry: 'checker/enqueue-link-checks',
      size: EVENT_SIZE,
      tables: {},
      sendsTo: ['linkChecks', 'searchUpdates'],
      buckets: { snapshots: 'delete' },
    },
    /**
     * Checks one link per message (up to ~65 s with retries: 3 attempts of HEAD and GET at 10 s each, plus
     * backoff), records its status on the link and keeps the page's snapshot. Reads the link, and updates only the
     * check's attributes of it: it parses untrusted pages, so it can neither put nor delete a link.
     */
    checkLink: {
      entry: 'checker/check-link',
      size: {
        ...EVENT_SIZE,
        timeoutSeconds: 120,
        why:
          'checks a batch of links in parallel, each up to ~65 s with retries (3 attempts of HEAD and GET at ' +
          "10 s each, plus backoff), and keeps each page's snapshot",
      },
      tables: {
        links: {
          read: [linkKeys.owner],
          update: [linkKeys.owner],
          updatedAttributes: LINK_CHECK_ATTRIBUTES,
        },
      },
      buckets: { snapshots: 'readwrite' },
    },
    /** Daily (see `schedules`): queues checks of links not checked for 7 days, fairly across users. */
    recheckStaleLinks: {
      entry: 'checker/recheck-stale-links',
      size: {
        ...EVENT_SIZE,
        timeoutSeconds: 900,
        why:
          "scans the whole links table once a day and queues checks; Lambda's longest run, and it stops " +
          'early (and resumes the next day) when little time is left',
      },
      tables: { links: { scannedAttributes: STALE_LINK_SCAN_ATTRIBUTES } },
      sendsTo: ['linkChecks'],
    },
    /** A 302 to a presigned download (5 minutes) of the latest snapshot of one of the caller's links. */
    getSnapshot: {
      entry: 'checker/get-snapshot',
      size: HTTP_SIZE,
      tables: { users: readsSessions, links: { read: [linkKeys.owner] } },
      buckets: { snapshots: 'read' },
    },
    /**
     * The imports context (shared/imports/): a pending import and a presigned upload URL; reading how imports
     * went; and the worker that runs an import once its file lands.
     */
    startImport: {
      entry: 'imports/start-import',
      size: HTTP_SIZE,
      tables: { users: readsSessions, imports: { put: [importKeys.owner] } },
      buckets: { imports: 'upload' },
    },
    getImport: {
      entry: 'imports/get-import',
      size: HTTP_SIZE,
      tables: { users: readsSessions, imports: { read: [importKeys.owner] } },
    },
    listImports: {
      entry: 'imports/list-imports',
      size: HTTP_SIZE,
      tables: { users: readsSessions, imports: { read: [importKeys.owner] } },
    },
    /**
     * Reads an uploaded file (at most 10 MiB), parses it and adds its links in chunks (a BatchGetItem of the
     * chunk's URLs, then one transaction of puts and the counters' update, or the links store's insert one by
     * one), writing the import's checkpoint after each chunk.
     */
    runImport: {
      entry: 'imports/run-import',
      size: {
        memoryMb: 1024,
        timeoutSeconds: 300,
        why:
          'the worst case is a 10 MiB file: its bytes, its text and the parser (under 256 MB measured), and ' +
          '10,000 links written in chunks; more memory is more CPU for the parse. It hands on to a fresh ' +
          'invocation when a minute is left',
      },
      tables: {
        imports: { read: [importKeys.owner], put: [importKeys.owner] },
        links: {
          read: [linkKeys.owner],
          batchRead: [linkKeys.owner],
          put: [linkKeys.owner],
          update: [linkKeys.owner],
        },
      },
      sendsTo: ['importUploads'],
      buckets: { imports: 'consume' },
    },
    /**
     * The search context (shared/search/): applies each user's link changes to their index, a batch at a time,
     * reading the page texts the checker keeps; builds a missing index from all the user's links.
     */
    updateSearchIndex: {
      entry: 'search/update-search-index',
      size: {
        memoryMb: 2048,
        timeoutSeconds: 60,
        why:
          "loads, updates and writes back one user's whole index per batch: for 10,000 links with 10 KB of page " +
          'text each, about 4 s of CPU for a batch of ten (README, "Search"); more memory is more CPU. Building a ' +
          'missing index reads every page text and holds all its postings',
      },
      tables: { links: { read: [linkKeys.owner] } },
      buckets: { searchIndexes: 'readwrite', snapshots: 'read' },
    },
    /** Local runtime only: fires the daily re-check by hand (POST /dev/recheck). */
    devRecheck: {
      entry: 'checker/dev-recheck',
      size: {
        ...HTTP_SIZE,
        timeoutSeconds: 60,
        why: 'runs the daily re-check by hand in the local runtime, where no API Gateway limits the wait',
      },
      tables: { users: readsSessions, links: { scannedAttributes: STALE_LINK_SCAN_ATTRIBUTES } },
      sendsTo: ['linkChecks'],
    },
  } as const satisfies Record<string, FunctionDeclaration>;
});

export type FunctionName = keyof typeof functions;

/**
 * Each context's functions, whose entries are under functions/<context>/: the one place that says which context
 * a function belongs to. Apart from their declarations so that the HTTP layer, which names a request's route group
 * (a dimension of its metrics) by its function's context, does not load those.
 */
export const functionsByContext = {
  ops: ['healthz', 'openapi', 'docs', 'notFound'],
  users: [
    'devLogin',
    'logout',
    'createToken',
    'listTokens',
    'deleteToken',
    'login',
    'loginCallback',
    'me',
    'deleteAccount',
    'eraseAccount',
    'getUser',
  ],
  links: [
    'listLinks',
    'listPublicLinks',
    'linkFeed',
    'profilePage',
    'addLink',
    'updateLink',
    'deleteLink',
    'exportLinks',
    'listTags',
  ],
  social: ['follow', 'unfollow', 'listFollowing', 'listFollowers'],
  news: ['getNews', 'newsFeed', 'fanOutLinkEvents', 'continueFanOut', 'writeFeeds', 'applyFollowChanges'],
  checker: ['enqueueLinkChecks', 'checkLink', 'recheckStaleLinks', 'getSnapshot', 'devRecheck'],
  imports: ['startImport', 'getImport', 'listImports', 'runImport'],
  search: ['updateSearchIndex'],
} as const satisfies Partial<Record<ContextName, readonly FunctionName[]>>;

/** The context that a function belongs to. */
export function contextOf(name: FunctionName): ContextName {
  for (const [context, names] of Object.entries(functionsByContext)) {
    if ((names as readonly FunctionName[]).includes(name)) return context as ContextName;
  }
  throw new Error(`${name} is in no context of shared/wiring.ts`);
}

/** The methods routes are declared with; each GET route answers HEAD too (`methodsOf`). */
type DeclaredMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type HttpMethod = DeclaredMethod | 'HEAD';

/**
 * Who may call a route, the least that a caller's credential must allow:
 * - `public`: anyone, without a token;
 * - `feed`: any valid token (a feed reader's `feed` token reads the news and nothing else);
 * - `read`: a token of scope `read`, `write` or a login session: reads;
 * - `write`: a token of scope `write` or a login session: changes;
 * - `session`: a login session only: managing tokens and deleting the account.
 * Credentials are ordered the same way (feed < read < write < session): one of scope S may call a route that
 * needs R iff R <= S. The gate (`route` in shared/http/handler.ts) enforces it, the only place that does.
 */
export const SCOPE_ORDER = ['feed', 'read', 'write', 'session'] as const;
export type Scope = (typeof SCOPE_ORDER)[number];
export type RouteAccess = 'public' | Scope;

/** Whether a credential of scope `held` may call a route that needs `needed`. */
export function scopeAllows(held: Scope, needed: Scope): boolean {
  return SCOPE_ORDER.indexOf(needed) <= SCOPE_ORDER.indexOf(held);
}

export interface RouteDeclaration {
  method: DeclaredMethod;
  /** API Gateway path syntax: `{name}` for a path parameter. */
  path: string;
  function: FunctionName;
  /**
   * Who may call it (`RouteAccess`): public, or the least scope of token it needs. The gate authenticates the
   * caller before the function runs (401 without a valid token) and refuses a narrower token (403
   * `insufficient_scope`). The only place that says so; all routes of one function agree.
   */
  access: RouteAccess;
  /**
   * Whether the route's work only reads: it writes nothing, sends nothing, changes nothing another request could
   * see, and reads little. The gate then charges the rate limit while the work runs rather than before it (`route`
   * in shared/http/handler.ts), so a refused request's work is done all the same. Every GET route is read-only
   * unless it says otherwise here: `false` when its work has effects or reads much, `{ unlessQuery }` when only
   * requests with that query parameter do. No route of another method is.
   */
  readOnly?: false | { unlessQuery: string };
  /**
   * A GET that changes state (the original clients' `GET /logout`): a request signed in by the session cookie
   * must then come from the service's own pages, as a request of any other method must (`route` in
   * shared/http/handler.ts). Such a route is not read-only either.
   */
  changesState?: true;
  /**
   * Served by the local runtime only, never deployed: elsewhere the gate answers 404 before counting or writing
   * anything. A function whose routes all say so is not deployed either (`isLocalOnly`).
   */
  localOnly?: true;
}

/** Whether a route needs a token. */
export function needsToken(route: Pick<RouteDeclaration, 'access'>): boolean {
  return route.access !== 'public';
}

/** The contract serves every versioned route under both `/v1` and `/v1.0` (the book's clients use `/v1.0`). */
export const API_VERSION_PREFIXES = ['/v1', '/v1.0'] as const;

/** A route of the versioned API, under each prefix; every one of them needs `access` (public: no token). */
function versioned<
  const Method extends DeclaredMethod,
  const Function extends FunctionName,
  const Access extends RouteAccess,
>(
  method: Method,
  path: string,
  fn: Function,
  access: Access,
  facts: Pick<RouteDeclaration, 'readOnly'> = {},
) {
  return API_VERSION_PREFIXES.map((prefix) => ({
    method,
    path: `${prefix}${path}`,
    function: fn,
    access,
    ...facts,
  }));
}

/** A GET whose work writes, or reads too much to be started for a request the rate limit may refuse. */
const NOT_READ_ONLY = { readOnly: false } as const;

/**
 * As declared, with each route's function and `access` as literal types, from which the route wrapper's types
 * follow. Reads need `read`, changes `write`; the news feed only `feed`; ending one's own credentials (logout,
 * also `?everywhere=true`) any valid token; managing tokens a login session. The GETs that are not read-only:
 * logging in and out (they write login states and sessions), the news feed (its work checks the path's token,
 * which charges the reader), the snapshot (it lists the link's snapshots and signs a download), the export (it
 * reads every link and may write a file), the news (up to 1 + k Queries), and a search (`q`: it may ask for the
 * index to be rebuilt).
 */
const declaredRoutes = [
  { method: 'GET', path: '/healthz', function: 'healthz', access: 'public' },
  { method: 'GET', path: '/openapi.json', function: 'openapi', access: 'public' },
  { method: 'GET', path: '/docs', function: 'docs', access: 'public' },
  { method: 'POST', path: '/dev/login', function: 'devLogin', access: 'public', localOnly: true },
  { method: 'POST', path: '/logout', function: 'logout', access: 'feed' },
  {
    method: 'GET',
    path: '/logout',
    function: 'logout',
    access: 'feed',
    changesState: true,
    ...NOT_READ_ONLY,
  },
  { method: 'GET', path: '/login', function: 'login', access: 'public', ...NOT_READ_ONLY },
  { method: 'GET', path: '/login/authorized', function: 'loginCallback', access: 'public', ...NOT_READ_ONLY },
  ...versioned('GET', '/me', 'me', 'read'),
  ...versioned('DELETE', '/me', 'deleteAccount', 'session'),
  ...versioned('GET', '/users/{username}', 'getUser', 'read'),
  // The public side: anyone's view of a user's public links, and Atom feeds for feed readers. The news feed's
  // token travels in the path (feed readers send no headers): the function checks it, so the route is public.
  ...versioned('GET', '/users/{username}/links', 'listPublicLinks', 'public'),
  { method: 'GET', path: '/users/{username}/feed.atom', function: 'linkFeed', access: 'public' },
  { method: 'GET', path: '/users/{username}/tags/{tag}/feed.atom', function: 'linkFeed', access: 'public' },
  {
    method: 'GET',
    path: '/feeds/news/{feed_file}',
    function: 'newsFeed',
    access: 'public',
    ...NOT_READ_ONLY,
  },
  { method: 'GET', path: '/u/{username}', function: 'profilePage', access: 'public' },
  ...versioned('GET', '/links', 'listLinks', 'read', { readOnly: { unlessQuery: 'q' } }),
  ...versioned('POST', '/links', 'addLink', 'write'),
  ...versioned('PUT', '/links', 'updateLink', 'write'),
  ...versioned('PATCH', '/links', 'updateLink', 'write'),
  ...versioned('DELETE', '/links', 'deleteLink', 'write'),
  ...versioned('GET', '/links/snapshot', 'getSnapshot', 'read', NOT_READ_ONLY),
  ...versioned('GET', '/tags', 'listTags', 'read'),
  ...versioned('GET', '/export', 'exportLinks', 'read', NOT_READ_ONLY),
  ...versioned('POST', '/imports', 'startImport', 'write'),
  ...versioned('GET', '/imports', 'listImports', 'read'),
  ...versioned('GET', '/imports/{import_id}', 'getImport', 'read'),
  ...versioned('POST', '/following', 'follow', 'write'),
  ...versioned('DELETE', '/following/{username}', 'unfollow', 'write'),
  ...versioned('DELETE', '/following', 'unfollow', 'write'),
  ...versioned('GET', '/following', 'listFollowing', 'read'),
  ...versioned('GET', '/followers', 'listFollowers', 'read'),
  ...versioned('GET', '/news', 'getNews', 'feed', NOT_READ_ONLY),
  ...versioned('POST', '/tokens', 'createToken', 'session'),
  ...versioned('GET', '/tokens', 'listTokens', 'session'),
  ...versioned('DELETE', '/tokens/{id}', 'deleteToken', 'session'),
  { method: 'POST', path: '/dev/recheck', function: 'devRecheck', access: 'write', localOnly: true },
] as const satisfies readonly RouteDeclaration[];

export const routes: RouteDeclaration[] = [...declaredRoutes];

type DeclaredRoute = (typeof declaredRoutes)[number];

/**
 * The methods a route answers: its own, and HEAD beside a GET (RFC 9110: the GET's answer, headers and all, without
 * its body), which monitors, link checkers, feed validators and `curl -I` send. Not beside a GET that changes state
 * (`GET /logout`): a HEAD must never change anything.
 */
export function methodsOf(route: Pick<RouteDeclaration, 'method' | 'changesState'>): HttpMethod[] {
  return route.method === 'GET' && route.changesState !== true ? ['GET', 'HEAD'] : [route.method];
}

/** Each route by API Gateway's key (`METHOD /path`), a GET route under its HEAD key too. */
const routesByKey = new Map<string, RouteDeclaration>(
  routes.flatMap((route) => methodsOf(route).map((method) => [`${method} ${route.path}`, route] as const)),
);

/**
 * Whether a request to the route `routeKey` (API Gateway's `METHOD /path`, as the local runtime gives it too) only
 * reads, by the route's `readOnly`. A request that no route declares (the fallback's) does not.
 */
export function readsOnly(routeKey: string, query: Readonly<Record<string, unknown>>): boolean {
  const route = routesByKey.get(routeKey);
  if (route?.method !== 'GET' || route.readOnly === false) return false;
  return route.readOnly === undefined || !Object.hasOwn(query, route.readOnly.unlessQuery);
}

/**
 * Whether a request to the route `routeKey` may change state: any method but GET and HEAD, and a GET route that
 * says it does (`changesState`). A request that no route declares is judged by its method alone.
 */
export function changesState(routeKey: string, method: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return true;
  return routesByKey.get(routeKey)?.changesState === true;
}

/** Requests that match no route go here, so that 404 and 405 answers keep the contract's error format. */
export const fallbackFunction = 'notFound' as const satisfies FunctionName;

/** The functions that serve HTTP: the targets of routes, and the fallback. */
export type HttpFunctionName = DeclaredRoute['function'] | typeof fallbackFunction;
/** The functions whose routes need a token: they learn who is calling. */
export type AuthenticatedFunctionName = Extract<DeclaredRoute, { access: Scope }>['function'];
/** The functions of at least one public route; none of them may also be in `AuthenticatedFunctionName`. */
export type PublicFunctionName = Extract<DeclaredRoute, { access: 'public' }>['function'];

/** What the gate must do before an HTTP function runs, read from its routes. */
interface HttpAccess {
  /** Who may call every route of the function (the fallback, which no route names, is public). */
  access: RouteAccess;
  /** Exists only in the local runtime: elsewhere the gate answers 404 before counting or writing anything. */
  localOnly: boolean;
}

/** Throws for a function that serves no HTTP, or whose routes disagree on who may call them. */
export function httpAccessOf(name: FunctionName): HttpAccess {
  const accesses = new Set(routes.filter((route) => route.function === name).map((route) => route.access));
  if (accesses.size > 1) throw new Error(`the routes of ${name} disagree on who may call them`);
  if (accesses.size === 0 && name !== fallbackFunction) throw new Error(`no route leads to ${name}`);
  return { access: [...accesses][0] ?? 'public', localOnly: isLocalOnly(name) };
}

/** Whether a function exists only in the local runtime: it has routes, and each is `localOnly`. */
export function isLocalOnly(name: FunctionName): boolean {
  const served = routes.filter((route) => route.function === name);
  return served.length > 0 && served.every((route) => route.localOnly === true);
}

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

/**
 * Batching windows: a window is staleness added to every record it holds, so where a person waits for the result
 * (news, follows) it is 0 and a batch is whatever has arrived when the poller looks (Lambda reads a stream shard
 * about four times a second, and an SQS long poll returns as soon as a message arrives). Only the link checker's
 * dispatcher keeps a window: nobody waits on a check, and a second's window turns an import's or a busy
 * minute's records into full batches of 100, a hundredth of the invocations (it also feeds search, whose
 * freshness therefore includes that second).
 */
export const eventSources: EventSourceDeclaration[] = [
  {
    kind: 'stream',
    table: 'links',
    function: 'fanOutLinkEvents',
    batchSize: 100,
    maxBatchingWindowSeconds: 0,
    retryAttempts: 5,
    bisectBatchOnError: true,
    onFailure: 'streamFailures',
  },
  {
    kind: 'stream',
    table: 'social',
    function: 'applyFollowChanges',
    batchSize: 25,
    maxBatchingWindowSeconds: 0,
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
    maxConcurrency: FEED_WRITE_GROUPS,
  },
  // Latency does not matter here (see above): the window buys full batches.
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
  // One erasure step per invocation; a handful at once keeps erasures from crowding out the API's capacity.
  {
    kind: 'queue',
    queue: 'accountErasures',
    function: 'eraseAccount',
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxConcurrency: 5,
  },
  // A user's changes arrive in order (FIFO); ten per batch, each user's index written once per batch.
  {
    kind: 'queue',
    queue: 'searchUpdates',
    function: 'updateSearchIndex',
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    maxConcurrency: 5,
  },
  // One upload per invocation: an import may take minutes, and each needs the function's memory to itself.
  {
    kind: 'queue',
    queue: 'importUploads',
    function: 'runImport',
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxConcurrency: 5,
  },
];

/** How many invocations at once a queue-fed function is declared to run: its mapping's maxConcurrency. */
export function queueConcurrencyOf(name: FunctionName): number {
  const source = eventSources.find((candidate) => candidate.function === name);
  if (source?.kind !== 'queue') throw new Error(`${name} is fed by no queue in shared/wiring.ts`);
  return source.maxConcurrency;
}

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

/**
 * Per-client rate limiting (shared/http/rate-limit.ts): every function that serves HTTP counts its requests in a
 * `RATE#` item of the users table, with conditional UpdateItems that claim them, and GetItems that read the
 * credentials mark of a request spent from a claim. Each such function needs USERS_TABLE and the
 * stage's RATE_LIMIT_* settings in its environment, and `actions` on the table restricted to
 * items whose partition key starts with `keyPrefix` (IAM condition `dynamodb:LeadingKeys`), beside whatever
 * `tables` grants.
 */
export const rateLimiting = {
  table: 'users',
  keyPrefix: keyPrefixes.users.rate,
  actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
} as const satisfies { table: TableName; keyPrefix: string; actions: string[] };

/**
 * Idempotent retries (shared/http/idempotency.ts): a function with a POST route keeps the first answer to each
 * `Idempotency-Key` in the idempotency table through Powertools Idempotency's DynamoDB layer, which puts the
 * in-progress record (conditionally), reads an existing one (consistently), updates it with the answer, and
 * deletes it when the work failed. Each such function needs IDEMPOTENCY_TABLE in its environment and these
 * actions on its own records only: items whose partition key starts with `idempotencyKeyPrefixOf(name)#`.
 */
export const idempotentRequests = {
  table: 'idempotency',
  actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
} as const satisfies { table: TableName; actions: string[] };

/** Whether a function serves a POST route, and so answers retries with an `Idempotency-Key` once. */
export function answersPosts(name: FunctionName): boolean {
  return routes.some((route) => route.function === name && route.method === 'POST');
}

/** The start of every idempotency record of a function: its records' ids are `<this>#<hash>`. */
export function idempotencyKeyPrefixOf(name: FunctionName): string {
  return `${keyPrefixes.idempotency.request}${name}`;
}

/** The functions that serve HTTP (the targets of routes, and the fallback): each one is rate-limited. */
export function httpFunctionNames(): FunctionName[] {
  return [...new Set<FunctionName>([...routes.map((route) => route.function), fallbackFunction])];
}

export function isDeployed(route: RouteDeclaration): boolean {
  return route.localOnly !== true;
}

export function deployedFunctionNames(): FunctionName[] {
  return (Object.keys(functions) as FunctionName[]).filter((name) => !isLocalOnly(name));
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
  return [...new Set(candidates.filter((r) => matchPath(r.path, path)).flatMap(methodsOf))];
}
