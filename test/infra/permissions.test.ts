import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BUCKET_LIST_ACTIONS,
  BUCKET_OBJECT_ACTIONS,
  INDEX_ACTIONS,
  ITEM_ACTIONS,
  QUEUE_SEND_ACTIONS,
  SCAN_ACTIONS,
  SECRET_READ_ACTIONS,
} from '../../lib/permissions.ts';
import { keyPrefixes } from '../../shared/keys.ts';
import {
  ITEM_CALLS,
  buckets,
  deployedFunctionNames,
  eventSources,
  functions,
  httpFunctionNames,
  isDeployed,
  answersPosts,
  idempotencyKeyPrefixOf,
  idempotentRequests,
  rateLimiting,
  needsToken,
  routes,
  tables,
  type BucketName,
  type FunctionDeclaration,
  type FunctionName,
  type QueueName,
  type TableName,
  type TableDeclaration,
  type TableReach,
} from '../../shared/wiring.ts';
import {
  actionsOf,
  flat,
  resource,
  resourcesOf,
  statementsOfRole,
  synthesize,
  type Statement,
} from './support.ts';

const deployed = deployedFunctionNames();
const declaration = (name: FunctionName): FunctionDeclaration => functions[name];
/** The names of a declared table's indexes, local and global. */
const indexNames = (table: TableDeclaration) =>
  [...table.localIndexes, ...(table.globalIndexes ?? [])].map((index) => index.name);
const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];
const CONSUME_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueUrl',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
];
/** What a stream mapping needs to send failed records' coordinates to its on-failure queue. */
const FAILURE_SEND_ACTIONS = ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];

/** What the wiring says triggers a function, besides HTTP. */
const streamsOf = (name: FunctionName): TableName[] =>
  eventSources.flatMap((s) => (s.kind === 'stream' && s.function === name ? [s.table] : []));
const failureQueuesOf = (name: FunctionName): QueueName[] =>
  eventSources.flatMap((s) => (s.kind === 'stream' && s.function === name ? [s.onFailure] : []));
const queueTriggersOf = (name: FunctionName): QueueName[] =>
  eventSources.flatMap((s) => (s.kind === 'queue' && s.function === name ? [s.queue] : []));
const servesHttp = (name: FunctionName) => httpFunctionNames().includes(name);

/** One resource of a statement, named: `table:links`, `index:links/byCreated`, `bucket-objects:snapshots`... */
type Target = string;

describe('least privilege, given the wiring', () => {
  const { data, service, wholeServiceTemplate, logicalId, references } = synthesize('dev');
  const invert = <T extends string>(constructs: Partial<Record<T, Parameters<typeof logicalId>[0]>>) =>
    new Map((Object.keys(constructs) as T[]).map((key) => [logicalId(constructs[key]!), key]));
  const tableIds = invert(data.tables);
  const queueIds = invert(service.queues);
  const deadLetterIds = invert(service.deadLetterQueues);
  const secretIds = new Map([
    [logicalId(data.secrets.pageTokenSecret!), 'pageTokens'],
    [logicalId(data.secrets.githubClientSecret!), 'githubSecret'],
  ]);
  const bucketArns = new Map(
    (Object.keys(buckets) as BucketName[]).map((name) => [
      `arn:<AWS::Partition>:s3:::delinkcious-dev-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}-<AWS::AccountId>-<AWS::Region>`,
      name,
    ]),
  );

  /** Names what a statement's resource is, or fails on anything unexpected. */
  const target = (name: FunctionName, value: unknown): Target => {
    if (value === '*') return '*';
    const text = flat(value);
    for (const [arn, bucket] of bucketArns) {
      if (text === arn) return `bucket:${bucket}`;
      if (text.startsWith(`${arn}/`)) return `bucket-objects:${bucket}${text.slice(arn.length)}`;
    }
    const refs = [...references(value)];
    if (refs.length !== 1) throw new Error(`${name}: a resource naming ${refs.length} things: ${text}`);
    const [id, attribute] = refs[0]!.split('.') as [string, string | undefined];
    if (tableIds.has(id)) {
      const table = tableIds.get(id)!;
      if (attribute === 'StreamArn') return `stream:${table}`;
      const index = /\/index\/(.+)$/.exec(text);
      return index ? `index:${table}/${index[1]}` : `table:${table}`;
    }
    if (queueIds.has(id)) return `queue:${queueIds.get(id)}`;
    if (deadLetterIds.has(id)) return `dead-letters:${deadLetterIds.get(id)}`;
    if (secretIds.has(id)) return `secret:${secretIds.get(id)}`;
    if (id === logicalId(service.functions.get(name)!.logGroup)) return 'own-logs';
    throw new Error(`${name}: a resource the test does not know: ${text}`);
  };

  const statementsOf = (name: FunctionName): Statement[] =>
    statementsOfRole(wholeServiceTemplate, logicalId(service.functions.get(name)!.role));
  /** Each (action, target) pair a function is allowed, with the statement's condition when it has one. */
  const grants = (name: FunctionName) =>
    statementsOf(name).flatMap((statement) =>
      resourcesOf(statement).flatMap((value) =>
        actionsOf(statement).map((action) => ({
          action,
          target: target(name, value),
          condition: statement.Condition,
        })),
      ),
    );
  const actionsOn = (name: FunctionName, on: Target, conditioned = false) =>
    grants(name)
      .filter((g) => g.target === on && (g.condition !== undefined) === conditioned)
      .map((g) => g.action)
      .sort();
  const targetsWith = (name: FunctionName, prefix: string) =>
    new Set(
      grants(name)
        .filter((g) => g.target.startsWith(prefix) && !g.condition)
        .map((g) => g.target),
    );

  /** A grant on a table or index as the test expects it: the action, the target, the exact condition. */
  type TableGrant = { action: string; target: Target; condition: Statement['Condition'] };
  const byItems = (prefixes: readonly string[]) => ({
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...prefixes].sort().map((p) => `${p}*`) },
  });
  const keyAttributes = (table: TableName) => {
    const declaration: TableDeclaration = tables[table];
    return [declaration.partitionKey.name, ...(declaration.sortKey ? [declaration.sortKey.name] : [])];
  };
  const isTableGrant = (g: { target: Target }) =>
    g.target.startsWith('table:') || g.target.startsWith('index:');
  const sortGrants = (list: TableGrant[]) =>
    [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const tableGrants = (name: FunctionName): TableGrant[] => sortGrants(grants(name).filter(isTableGrant));
  /** Which items a grant reaches, by the LeadingKeys of its condition; undefined when it has none. */
  const leadingKeys = (g: TableGrant) =>
    g.condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[] | undefined;
  const reachOn = (name: FunctionName, action: string, target: Target) =>
    grants(name)
      .filter((g) => g.action === action && g.target === target)
      .flatMap((g) => leadingKeys(g) ?? ['(any item)'])
      .sort();
  /** Each grant on the users table, as its action and the key prefixes it is limited to. */
  const actionsOnUsers = (name: FunctionName) =>
    grants(name)
      .filter((g) => g.target === 'table:users')
      .map((g) => ({ action: g.action, keys: leadingKeys(g) }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const authenticated = [
    ...new Set(routes.filter((r) => needsToken(r) && isDeployed(r)).map((r) => r.function)),
  ] as FunctionName[];

  /** What the declaration says, written out grant by grant, independently of lib/permissions.ts. */
  const declaredGrants = (name: FunctionName): TableGrant[] => {
    const expected: TableGrant[] = [];
    for (const [table, reach] of Object.entries(declaration(name).tables) as [TableName, TableReach][]) {
      for (const call of ITEM_CALLS) {
        const prefixes = reach[call];
        if (!prefixes || prefixes.length === 0) continue;
        const limited = call === 'update' && reach.updatedAttributes;
        const condition = limited
          ? {
              ...byItems(prefixes),
              'ForAllValues:StringEquals': {
                'dynamodb:Attributes': [...keyAttributes(table), ...reach.updatedAttributes!],
              },
              StringEquals: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] },
            }
          : byItems(prefixes);
        for (const action of ITEM_ACTIONS[call])
          expected.push({ action, target: `table:${table}`, condition });
      }
      if (reach.read && reach.read.length > 0) {
        for (const index of tables[table].localIndexes) {
          expected.push({
            action: 'dynamodb:Query',
            target: `index:${table}/${index.name}`,
            condition: byItems(reach.read),
          });
        }
        for (const index of (tables[table] as TableDeclaration).globalIndexes ?? []) {
          expected.push({
            action: 'dynamodb:Query',
            target: `index:${table}/${index.name}`,
            condition: undefined,
          });
        }
      }
      if (reach.scannedAttributes) {
        expected.push({
          action: 'dynamodb:Scan',
          target: `table:${table}`,
          condition: {
            'ForAllValues:StringEquals': {
              'dynamodb:Attributes': [...keyAttributes(table), ...reach.scannedAttributes],
            },
            StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
          },
        });
      }
    }
    if (servesHttp(name)) {
      // The limiter's claims, and its reads of a user's credentials mark for requests spent from a claim.
      for (const action of ['dynamodb:UpdateItem', 'dynamodb:GetItem']) {
        expected.push({
          action,
          target: `table:${rateLimiting.table}`,
          condition: byItems([rateLimiting.keyPrefix]),
        });
      }
    }
    if (answersPosts(name)) {
      for (const action of idempotentRequests.actions) {
        expected.push({
          action,
          target: `table:${idempotentRequests.table}`,
          condition: byItems([`${idempotencyKeyPrefixOf(name)}#`]),
        });
      }
    }
    return sortGrants(expected);
  };

  it('lets only the functions with a POST route touch the idempotency table, each its own records', () => {
    const touching = deployed.filter((name) =>
      grants(name).some((g) => g.target === `table:${idempotentRequests.table}`),
    );

    expect(touching.sort()).toEqual(['addLink', 'createToken', 'follow', 'logout', 'startImport']);
    expect(reachOn('addLink', 'dynamodb:PutItem', `table:${idempotentRequests.table}`)).toEqual([
      'IDEMPOTENCY#addLink#*',
    ]);
  });

  it.each(deployed)(
    'lets %s reach exactly the items its declaration names, by key prefix and attribute',
    (name) => {
      expect(tableGrants(name)).toEqual(declaredGrants(name));
    },
  );

  it.each(deployed)(
    'limits every grant of %s on a table to items by their key prefix, but a Scan of named attributes',
    (name) => {
      for (const grant of grants(name).filter((g) => g.target.startsWith('table:'))) {
        if (grant.action === 'dynamodb:Scan') {
          expect(grant.condition?.['ForAllValues:StringEquals']?.['dynamodb:Attributes']).toBeDefined();
          expect(grant.condition?.StringEquals).toEqual({ 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' });
        } else {
          expect(leadingKeys(grant), `${name}: ${grant.action} on ${grant.target}`).toBeDefined();
        }
      }
    },
  );

  it.each(deployed)('lets %s touch the users table only by the prefixes of its items', (name) => {
    const users = grants(name).filter((g) => g.target === 'table:users');
    const known = Object.values(keyPrefixes.users).map((prefix) => `${prefix}*`);

    for (const grant of users) {
      expect(leadingKeys(grant)?.length, `${name}: ${grant.action}`).toBeGreaterThan(0);
      expect(known).toEqual(expect.arrayContaining(leadingKeys(grant)!));
    }
  });

  /**
   * The functions that manage credentials: they list the caller's (her partition) and end or issue some. Deleting
   * the account ends them all too, after marking the profile.
   */
  const managesCredentials: FunctionName[] = [
    'logout',
    'createToken',
    'listTokens',
    'deleteToken',
    'deleteAccount',
  ];
  const lastUsedOnly = {
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SESSION#*'] },
    'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'last_used_at'] },
    StringEquals: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] },
  };

  it.each(authenticated)(
    "lets %s read, of the users table, the caller's session item, the rate items' marks, and profiles only where it shows, checks or lists one",
    (name) => {
      const readsUserPartition = ['me', 'getUser', 'follow', ...managesCredentials].includes(name);
      const queried = readsUserPartition ? ['SESSION#*', 'USER#*'] : ['SESSION#*'];

      expect(reachOn(name, 'dynamodb:GetItem', 'table:users')).toEqual(['RATE#*', ...queried]);
      expect(reachOn(name, 'dynamodb:Query', 'table:users')).toEqual(queried);
    },
  );

  it.each(authenticated.filter((name) => !managesCredentials.includes(name)))(
    "lets %s write nothing of the users table but its rate item and its credential's last use",
    (name) => {
      const writes = grants(name).filter(
        (g) => g.target === 'table:users' && g.action !== 'dynamodb:GetItem' && g.action !== 'dynamodb:Query',
      );

      expect(writes.map((g) => g.action)).toEqual(['dynamodb:UpdateItem', 'dynamodb:UpdateItem']);
      expect(writes.map((g) => g.condition)).toEqual(
        expect.arrayContaining([
          { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } },
          lastUsedOnly,
        ]),
      );
    },
  );

  it.each(managesCredentials)(
    'lets %s write, of the users table, only credentials (and their list items in the users partitions) and its rate item',
    (name) => {
      for (const grant of grants(name).filter((g) => g.target === 'table:users')) {
        expect(['SESSION#*', 'USER#*', 'RATE#*']).toEqual(expect.arrayContaining(leadingKeys(grant)!));
      }
    },
  );

  it("lets the feed writer, readers' feeds' one writer, read them, write them back in batches and update them (an unfollow's sweep), never insert by PartiQL; the follow changes' consumer reaches no table", () => {
    const onFeeds = grants('writeFeeds')
      .filter((g) => g.target === 'table:feeds')
      .map((g) => ({ action: g.action, keys: leadingKeys(g) }))
      .sort((a, b) => a.action.localeCompare(b.action));

    expect(onFeeds).toEqual([
      { action: 'dynamodb:BatchGetItem', keys: ['FEED#*'] },
      { action: 'dynamodb:BatchWriteItem', keys: ['FEED#*'] },
      { action: 'dynamodb:GetItem', keys: ['FEED#*'] },
      { action: 'dynamodb:Query', keys: ['FEED#*'] },
      { action: 'dynamodb:UpdateItem', keys: ['FEED#*'] },
    ]);
    expect(grants('applyFollowChanges').filter(isTableGrant)).toEqual([]);
  });

  it('lets only the login callback (registering) and the account deletion (its mark) update profiles', () => {
    const updatingProfiles = deployed.filter((name) =>
      reachOn(name, 'dynamodb:UpdateItem', 'table:users').includes('USER#*'),
    );

    expect(updatingProfiles.sort()).toEqual(['deleteAccount', 'loginCallback']);
  });

  it('lets login write login states and nothing else of the users table, and read none of it but the rate items', () => {
    expect(actionsOnUsers('login')).toEqual([
      { action: 'dynamodb:GetItem', keys: ['RATE#*'] },
      { action: 'dynamodb:PutItem', keys: ['OAUTH_STATE#*'] },
      { action: 'dynamodb:UpdateItem', keys: ['RATE#*'] },
    ]);
  });

  it('lets the login callback use up a state, find or register the identity and profile, and issue a session (ending the oldest past the cap)', () => {
    expect(actionsOnUsers('loginCallback')).toEqual([
      { action: 'dynamodb:ConditionCheckItem', keys: ['USER#*'] },
      { action: 'dynamodb:DeleteItem', keys: ['OAUTH_STATE#*', 'SESSION#*', 'USER#*'] },
      { action: 'dynamodb:GetItem', keys: ['GITHUB#*', 'SESSION#*', 'USER#*'] },
      { action: 'dynamodb:GetItem', keys: ['RATE#*'] },
      { action: 'dynamodb:PutItem', keys: ['GITHUB#*', 'SESSION#*', 'USER#*'] },
      { action: 'dynamodb:Query', keys: ['GITHUB#*', 'SESSION#*', 'USER#*'] },
      { action: 'dynamodb:UpdateItem', keys: ['RATE#*'] },
      { action: 'dynamodb:UpdateItem', keys: ['USER#*'] },
    ]);
  });

  it('lets only the login functions touch login states and GitHub identities (the erasure deletes them), and only those that end or issue credentials delete or put them', () => {
    const reaching = (prefix: string, action?: string) =>
      deployed.filter((name) =>
        grants(name).some(
          (g) =>
            g.target === 'table:users' &&
            (!action || g.action === action) &&
            leadingKeys(g)?.includes(prefix),
        ),
      );

    expect(reaching('OAUTH_STATE#*')).toEqual(['login', 'loginCallback']);
    // The account's erasure deletes its identity mapping; only the login callback writes one.
    expect(reaching('GITHUB#*').sort()).toEqual(['eraseAccount', 'loginCallback']);
    expect(reaching('GITHUB#*', 'dynamodb:PutItem')).toEqual(['loginCallback']);
    expect(reaching('SESSION#*', 'dynamodb:DeleteItem').sort()).toEqual([
      'deleteAccount',
      'deleteToken',
      'eraseAccount',
      'loginCallback',
      'logout',
    ]);
    expect(reaching('SESSION#*', 'dynamodb:BatchWriteItem').sort()).toEqual([
      'deleteAccount',
      'eraseAccount',
      'logout',
    ]);
    expect(reaching('SESSION#*', 'dynamodb:PutItem').sort()).toEqual(['createToken', 'loginCallback']);
    // The credentials' list items live in the users' partitions: only the functions that issue one put there.
    expect(reaching('USER#*', 'dynamodb:PutItem').sort()).toEqual(['createToken', 'loginCallback']);
    expect(reaching('USER#*', 'dynamodb:ConditionCheckItem').sort()).toEqual([
      'createToken',
      'loginCallback',
    ]);
  });

  it("never lets the link checker put, delete or batch-write links; it updates only the check's attributes", () => {
    const onLinks = grants('checkLink').filter((g) => g.target === 'table:links');

    expect(onLinks.map((g) => g.action).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(onLinks.find((g) => g.action === 'dynamodb:UpdateItem')!.condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USER#*'] },
      'ForAllValues:StringEquals': {
        'dynamodb:Attributes': [
          'pk',
          'sk',
          'status',
          'http_status',
          'checked_at',
          'check_reason',
          'title',
          'version',
        ],
      },
      StringEquals: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] },
    });
  });

  it('lets the daily re-check scan links for the attributes it filters on and returns, and nothing else', () => {
    expect(grants('recheckStaleLinks').filter(isTableGrant)).toEqual([
      {
        action: 'dynamodb:Scan',
        target: 'table:links',
        condition: {
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': ['pk', 'sk', 'username', 'url', 'checked_at', 'created_at'],
          },
          StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      },
    ]);
  });

  it.each(['listPublicLinks', 'linkFeed', 'profilePage'] as const)(
    'lets %s read public links with one Query of the byPublic local index, within user partitions, and no BatchGetItem',
    (name) => {
      expect(reachOn(name, 'dynamodb:Query', 'index:links/byPublic')).toEqual([
        `${keyPrefixes.links.owner}*`,
      ]);
      expect(
        grants(name)
          .filter((g) => g.target === 'table:links')
          .map((g) => g.action),
      ).not.toContain('dynamodb:BatchGetItem');
    },
  );

  it('never lets a reader of the links table write it: list-tags only reads links and sessions', () => {
    expect(
      grants('listTags')
        .filter((g) => g.target === 'table:links')
        .map((g) => g.action)
        .sort(),
    ).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(reachOn('listTags', 'dynamodb:GetItem', 'table:users')).toEqual(['RATE#*', 'SESSION#*']);
  });

  it.each(deployed)('lets %s query the indexes of the tables it reads, and only query them', (name) => {
    const read = (Object.entries(declaration(name).tables) as [TableName, TableReach][])
      .filter(([, reach]) => (reach.read?.length ?? 0) > 0)
      .map(([table]) => table);
    const expected = read.flatMap((table) =>
      indexNames(tables[table]).map((index) => `index:${table}/${index}`),
    );
    const indexGrants = grants(name).filter((g) => g.target.startsWith('index:'));

    expect(new Set(indexGrants.map((g) => g.target))).toEqual(new Set(expected));
    for (const grant of indexGrants) expect(grant.action).toBe(INDEX_ACTIONS[0]);
  });

  it.each(deployed)('lets %s read only the streams that trigger it, and only read them', (name) => {
    expect(targetsWith(name, 'stream:')).toEqual(new Set(streamsOf(name).map((t) => `stream:${t}`)));
    for (const table of streamsOf(name)) {
      expect(actionsOn(name, `stream:${table}`)).toEqual([...STREAM_ACTIONS].sort());
    }
  });

  it.each(deployed)(
    'lets %s update rate-limit items only if it serves HTTP or ends credentials (the mark), read them only if it serves HTTP, and do nothing else to them',
    (name) => {
      const onRates = grants(name).filter((g) => leadingKeys(g)?.includes(`${rateLimiting.keyPrefix}*`));
      const rateGrant = (action: string) => ({
        action,
        target: `table:${rateLimiting.table}`,
        condition: byItems([rateLimiting.keyPrefix]),
      });

      // The account erasure ends credentials left by a race, which changes their user's credentials mark.
      const expected = servesHttp(name)
        ? ['dynamodb:UpdateItem', 'dynamodb:GetItem']
        : name === 'eraseAccount'
          ? ['dynamodb:UpdateItem']
          : [];
      expect(onRates).toEqual(expected.map(rateGrant));
    },
  );

  it.each(deployed)('lets %s reach only the buckets it declares, under their prefix, as declared', (name) => {
    const declared = Object.entries(declaration(name).buckets ?? {}) as [
      BucketName,
      keyof typeof BUCKET_OBJECT_ACTIONS,
    ][];

    expect(targetsWith(name, 'bucket-objects:')).toEqual(
      new Set(declared.map(([bucket]) => `bucket-objects:${bucket}/${buckets[bucket].keyPrefix}*`)),
    );
    expect(targetsWith(name, 'bucket:')).toEqual(new Set());
    for (const [bucket, access] of declared) {
      expect(actionsOn(name, `bucket-objects:${bucket}/${buckets[bucket].keyPrefix}*`)).toEqual(
        [...BUCKET_OBJECT_ACTIONS[access]].sort(),
      );
      const listing = grants(name).filter((g) => g.target === `bucket:${bucket}`);
      expect(listing).toEqual([
        {
          action: BUCKET_LIST_ACTIONS[0],
          target: `bucket:${bucket}`,
          condition: { StringLike: { 's3:prefix': [`${buckets[bucket].keyPrefix}*`] } },
        },
      ]);
    }
  });

  it('lets the link checker write snapshots and the snapshot route only read them', () => {
    expect(actionsOn('checkLink', 'bucket-objects:snapshots/snapshots/*')).toEqual([
      's3:DeleteObject',
      's3:GetObject',
      's3:PutObject',
    ]);
    expect(actionsOn('getSnapshot', 'bucket-objects:snapshots/snapshots/*')).toEqual(['s3:GetObject']);
    expect(targetsWith('addLink', 'bucket')).toEqual(new Set());
  });

  it('lets the export route write exports (multipart included) and presign their download, never delete, and nothing else of S3', () => {
    expect(actionsOn('exportLinks', 'bucket-objects:exports/exports/*')).toEqual([
      's3:AbortMultipartUpload',
      's3:GetObject',
      's3:PutObject',
    ]);
    expect(targetsWith('exportLinks', 'bucket-objects:snapshots')).toEqual(new Set());
    expect(targetsWith('listLinks', 'bucket-objects:exports')).toEqual(new Set());
  });

  it.each(deployed)('lets %s send only to the queues it declares and its streams fail to', (name) => {
    const sendsTo = new Set(
      grants(name)
        .filter((g) => g.action === 'sqs:SendMessage')
        .map((g) => g.target),
    );

    expect(sendsTo).toEqual(
      new Set([...(declaration(name).sendsTo ?? []), ...failureQueuesOf(name)].map((q) => `queue:${q}`)),
    );
    for (const queue of declaration(name).sendsTo ?? []) {
      if (failureQueuesOf(name).includes(queue) || queueTriggersOf(name).includes(queue)) continue;
      expect(actionsOn(name, `queue:${queue}`)).toEqual([...QUEUE_SEND_ACTIONS]);
    }
    for (const queue of failureQueuesOf(name)) {
      expect(actionsOn(name, `queue:${queue}`)).toEqual(expect.arrayContaining(FAILURE_SEND_ACTIONS));
    }
  });

  it.each(deployed)('lets %s consume only the queues that trigger it', (name) => {
    const receives = new Set(
      grants(name)
        .filter((g) => g.action === 'sqs:ReceiveMessage' || g.action === 'sqs:DeleteMessage')
        .map((g) => g.target),
    );

    expect(receives).toEqual(new Set(queueTriggersOf(name).map((q) => `queue:${q}`)));
    for (const queue of queueTriggersOf(name)) {
      expect(actionsOn(name, `queue:${queue}`)).toEqual(expect.arrayContaining(CONSUME_ACTIONS));
    }
  });

  it.each(deployed)('never lets %s touch a dead-letter queue', (name) => {
    expect(targetsWith(name, 'dead-letters:')).toEqual(new Set());
  });

  it.each(deployed)('lets %s read only the secrets it declares, and only their value', (name) => {
    const expected = (['pageTokens', 'githubSecret'] as const).filter((secret) => declaration(name)[secret]);

    expect(targetsWith(name, 'secret:')).toEqual(new Set(expected.map((s) => `secret:${s}`)));
    for (const secret of expected)
      expect(actionsOn(name, `secret:${secret}`)).toEqual([...SECRET_READ_ACTIONS]);
  });

  it("lets list-links read the page-token key, not list-tags; only the login callback reads GitHub's", () => {
    expect(targetsWith('listLinks', 'secret:')).toEqual(new Set(['secret:pageTokens']));
    expect(targetsWith('listTags', 'secret:')).toEqual(new Set());
    expect(deployed.filter((name) => targetsWith(name, 'secret:githubSecret').size > 0)).toEqual([
      'loginCallback',
    ]);
  });

  it.each(deployed)('lets %s write only to its own log group', (name) => {
    expect(actionsOn(name, 'own-logs')).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(grants(name).filter((g) => g.action.startsWith('logs:') && g.target !== 'own-logs')).toEqual([]);
  });

  it.each(deployed)(
    'grants %s no wildcard action, and a wildcard resource only where AWS has no other',
    (name) => {
      for (const grant of grants(name)) {
        expect(grant.action).not.toMatch(/\*/);
        if (grant.target === '*') {
          expect(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'dynamodb:ListStreams']).toContain(
            grant.action,
          );
        }
        if (grant.action === 'dynamodb:ListStreams') expect(streamsOf(name).length).toBeGreaterThan(0);
      }
    },
  );

  it.each(deployed)('attaches no managed policy to the role of %s, and allows only', (name) => {
    const role = resource(wholeServiceTemplate, logicalId(service.functions.get(name)!.role));

    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ],
    });
    for (const statement of statementsOf(name)) expect(statement.Effect).toBe('Allow');
  });
});

describe('the actions granted, beside the calls the adapters make', () => {
  const root = fileURLToPath(new URL('../../shared/', import.meta.url));
  const sources = (readdirSync(root, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(root, file), 'utf8'));
  const found = (pattern: RegExp) =>
    new Set(sources.flatMap((source) => [...source.matchAll(pattern)].map((m) => m[1]!)));

  const DYNAMODB: Record<string, string[]> = {
    Get: ['dynamodb:GetItem'],
    Query: ['dynamodb:Query'],
    Put: ['dynamodb:PutItem'],
    Update: ['dynamodb:UpdateItem'],
    Delete: ['dynamodb:DeleteItem'],
    BatchWrite: ['dynamodb:BatchWriteItem'],
    BatchGet: ['dynamodb:BatchGetItem'],
    Scan: ['dynamodb:Scan'],
    TransactGet: ['dynamodb:GetItem'],
    // Each item of a transaction needs its own action: the Put, Update, Delete and ConditionCheck items.
    TransactWrite: [],
  };
  const S3: Record<string, string[]> = {
    GetObject: ['s3:GetObject'],
    PutObject: ['s3:PutObject'],
    DeleteObject: ['s3:DeleteObject'],
    DeleteObjects: ['s3:DeleteObject'],
    ListObjectsV2: ['s3:ListBucket'],
    HeadObject: ['s3:GetObject'],
    CopyObject: ['s3:GetObject', 's3:PutObject'],
  };

  it('covers every DynamoDB command and paginator the adapters use with the actions a reach can grant', () => {
    const commands = [...found(/new (\w+?)(?:Item)?Command\(/g)];
    const paginators = [...found(/\bpaginate(\w+)\(/g)];
    const dynamo = [...commands, ...paginators].filter((command) => command in DYNAMODB);
    const needed = dynamo.flatMap((command) => DYNAMODB[command]!);

    // PartiQL: each statement needs the action of its verb; the adapters run INSERTs in batches, nothing else.
    expect(commands.filter((c) => /Statement|ExecuteTransaction/.test(c))).toEqual(['BatchExecuteStatement']);
    expect([...found(/Statement: `(\w+)/g)]).toEqual(['INSERT']);
    needed.push('dynamodb:PartiQLInsert');
    if (found(/\b(ConditionCheck)\s*:\s*\{/g).size > 0) needed.push('dynamodb:ConditionCheckItem');

    expect(dynamo).toEqual(expect.arrayContaining(['Get', 'Query', 'Put', 'Scan']));
    expect([...Object.values(ITEM_ACTIONS).flat(), ...SCAN_ACTIONS]).toEqual(expect.arrayContaining(needed));
  });

  it('covers every S3 command the adapters send, and presigned downloads', () => {
    const commands = [...found(/new (\w+)Command\(/g)].filter((c) => /Object/.test(c));
    const needed = commands.flatMap((command) => {
      if (!(command in S3)) throw new Error(`An S3 command this test does not know: ${command}`);
      return S3[command]!;
    });

    expect([...BUCKET_OBJECT_ACTIONS.readwrite, ...BUCKET_LIST_ACTIONS]).toEqual(
      expect.arrayContaining(needed),
    );
  });

  it('covers every SQS command the adapters send with SendMessage', () => {
    const commands = [...found(/new (Send\w*)Command\(/g)];

    expect(commands.length).toBeGreaterThan(0);
    expect(commands.every((c) => c === 'SendMessage' || c === 'SendMessageBatch')).toBe(true);
    expect([...QUEUE_SEND_ACTIONS]).toEqual(['sqs:SendMessage']);
  });
});
