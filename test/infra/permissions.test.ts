import { describe, expect, it } from 'vitest';
import {
  deployedFunctionNames,
  eventSources,
  functions,
  httpFunctionNames,
  rateLimiting,
  type FunctionDeclaration,
  type FunctionName,
  type QueueName,
  type TableName,
} from '../../shared/wiring.ts';
import {
  actionsOf,
  references,
  referencedLogicalIds,
  resource,
  statementsOfRole,
  synthesize,
  type Statement,
} from './support.ts';

const deployed = deployedFunctionNames();
const declaration = (name: FunctionName): FunctionDeclaration => functions[name];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];

/** What the wiring says triggers a function, besides HTTP. */
const streamsOf = (name: FunctionName): TableName[] =>
  eventSources.flatMap((s) => (s.kind === 'stream' && s.function === name ? [s.table] : []));
const failureQueuesOf = (name: FunctionName): QueueName[] =>
  eventSources.flatMap((s) => (s.kind === 'stream' && s.function === name ? [s.onFailure] : []));
const queueTriggersOf = (name: FunctionName): QueueName[] =>
  eventSources.flatMap((s) => (s.kind === 'queue' && s.function === name ? [s.queue] : []));
const servesHttp = (name: FunctionName) => httpFunctionNames().includes(name);

describe('least privilege, given the wiring', () => {
  const { stack, template, logicalId } = synthesize('dev');
  const ids = <T extends string>(constructs: Record<T, Parameters<typeof logicalId>[0]>) =>
    new Map((Object.keys(constructs) as T[]).map((key) => [logicalId(constructs[key]), key]));
  const tableIds = ids(stack.tables.byName);
  const queueIds = ids(stack.queues.byName);

  const statementsOf = (name: FunctionName): Statement[] =>
    statementsOfRole(template, logicalId(stack.functions.byName.get(name)!.role!));
  const withActions = (name: FunctionName, prefix: string) =>
    statementsOf(name).filter((s) => actionsOf(s).some((a) => a.startsWith(prefix)));
  /** Statements on whole tables; the rate-limit statement is the only one with a condition. */
  const unconditioned = (name: FunctionName, prefix: string) =>
    withActions(name, prefix).filter((s) => s.Condition === undefined);
  const conditioned = (name: FunctionName, prefix: string) =>
    withActions(name, prefix).filter((s) => s.Condition !== undefined);
  /** The tables whose data (`Arn`, indexes included) or whose stream (`StreamArn`) a statement applies to. */
  const tablesOf = (statement: Statement, attribute: 'Arn' | 'StreamArn'): TableName[] =>
    [...references(statement.Resource)]
      .filter((ref) => ref.endsWith(`.${attribute}`) && tableIds.has(ref.split('.')[0]!))
      .map((ref) => tableIds.get(ref.split('.')[0]!)!);
  /** The declared queues a statement applies to; a queue not declared (a dead-letter queue) shows as `?`. */
  const queuesOf = (statement: Statement): string[] =>
    [...referencedLogicalIds(statement.Resource)].map((id) => queueIds.get(id) ?? `? ${id}`);
  const queuesWith = (name: FunctionName, action: string) =>
    new Set(
      withActions(name, 'sqs:')
        .filter((s) => actionsOf(s).includes(action))
        .flatMap(queuesOf),
    );

  it.each(deployed)('lets %s reach the data of exactly the tables it declares', (name) => {
    const reached = new Set(unconditioned(name, 'dynamodb:').flatMap((s) => tablesOf(s, 'Arn')));

    expect(reached).toEqual(new Set(Object.keys(declaration(name).tables)));
  });

  it.each(deployed)('lets %s write only to the tables it declares read-write', (name) => {
    const access = declaration(name).tables;
    const statements = unconditioned(name, 'dynamodb:');

    for (const statement of statements) {
      const writes = actionsOf(statement).filter((a) => WRITE_ACTIONS.includes(a));
      for (const table of tablesOf(statement, 'Arn')) {
        if (access[table] === 'read') expect(writes, `${name} on ${table}`).toEqual([]);
      }
    }
    for (const table of Object.keys(access) as TableName[]) {
      if (access[table] !== 'readwrite') continue;
      const onTable = statements.filter((s) => tablesOf(s, 'Arn').includes(table));
      expect(onTable.flatMap(actionsOf), `${name} on ${table}`).toEqual(
        expect.arrayContaining(WRITE_ACTIONS),
      );
    }
  });

  it.each(deployed)('lets %s read only the streams that trigger it, and only read them', (name) => {
    const streamStatements = withActions(name, 'dynamodb:').filter(
      (s) => tablesOf(s, 'StreamArn').length > 0,
    );

    expect(new Set(streamStatements.flatMap((s) => tablesOf(s, 'StreamArn')))).toEqual(
      new Set(streamsOf(name)),
    );
    for (const statement of streamStatements) {
      expect(STREAM_ACTIONS).toEqual(expect.arrayContaining(actionsOf(statement)));
    }
  });

  it.each(deployed)('names no resource in the DynamoDB statements of %s but its tables', (name) => {
    for (const statement of withActions(name, 'dynamodb:')) {
      if (statement.Resource === '*') {
        // ListStreams cannot be scoped to a table; a stream consumer needs it to find the stream.
        expect(actionsOf(statement)).toEqual(['dynamodb:ListStreams']);
        expect(streamsOf(name).length).toBeGreaterThan(0);
      } else {
        expect([...referencedLogicalIds(statement.Resource)].every((id) => tableIds.has(id))).toBe(true);
      }
    }
  });

  it.each(deployed)(
    'lets %s update rate-limit items only if it serves HTTP, and no other item so',
    (name) => {
      const expected = servesHttp(name)
        ? [
            {
              Effect: 'Allow',
              Action: rateLimiting.actions.length === 1 ? rateLimiting.actions[0] : [...rateLimiting.actions],
              Resource: `${logicalId(stack.tables.byName[rateLimiting.table])}.Arn`,
              Condition: {
                'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${rateLimiting.keyPrefix}*`] },
              },
            },
          ]
        : [];

      expect(
        conditioned(name, 'dynamodb:').map((s) => ({ ...s, Resource: [...references(s.Resource)].join() })),
      ).toEqual(expected);
    },
  );

  it('never lets list-tags write to the users table, except its rate-limit items', () => {
    const onUsers = withActions('listTags', 'dynamodb:').filter((s) => tablesOf(s, 'Arn').includes('users'));
    const writes = (statements: Statement[]) =>
      statements.flatMap(actionsOf).filter((a) => WRITE_ACTIONS.includes(a));

    expect(onUsers.length).toBeGreaterThan(0);
    expect(writes(onUsers.filter((s) => s.Condition === undefined))).toEqual([]);
    expect(onUsers.filter((s) => writes([s]).length > 0).map((s) => s.Condition)).toEqual([
      { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } },
    ]);
  });

  it('gives functions that declare no table and read no stream no DynamoDB action but rate limiting', () => {
    const tableless = deployed.filter(
      (name) => Object.keys(declaration(name).tables).length === 0 && streamsOf(name).length === 0,
    );

    expect(tableless).toEqual(expect.arrayContaining(['healthz', 'notFound']));
    for (const name of tableless) {
      expect(unconditioned(name, 'dynamodb:'), name).toEqual([]);
      expect(conditioned(name, 'dynamodb:').flatMap(actionsOf), name).toEqual(['dynamodb:UpdateItem']);
    }
  });

  it.each(deployed)('lets %s send only to the queues it declares and its streams fail to', (name) => {
    expect(queuesWith(name, 'sqs:SendMessage')).toEqual(
      new Set([...(declaration(name).sendsTo ?? []), ...failureQueuesOf(name)]),
    );
  });

  it.each(deployed)('lets %s receive only from the queues that trigger it', (name) => {
    expect(queuesWith(name, 'sqs:ReceiveMessage')).toEqual(new Set(queueTriggersOf(name)));
    expect(queuesWith(name, 'sqs:DeleteMessage')).toEqual(new Set(queueTriggersOf(name)));
  });

  it.each(deployed)(
    'grants %s no wildcard actions, and wildcard resources only where AWS has no other',
    (name) => {
      for (const statement of statementsOf(name)) {
        expect(statement.Effect).toBe('Allow');
        for (const action of actionsOf(statement)) expect(action).not.toMatch(/(^|:)\*$/);
        if (statement.Resource === '*') {
          expect(
            actionsOf(statement).every((a) => a.startsWith('xray:') || a === 'dynamodb:ListStreams'),
          ).toBe(true);
        }
      }
    },
  );

  it.each(deployed)('attaches to %s only the basic execution managed policy', (name) => {
    const role = resource(template, logicalId(stack.functions.byName.get(name)!.role!));

    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toMatch(/AWSLambdaBasicExecutionRole/);
    expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
  });
});

describe('the secrets', () => {
  const { stack, template, logicalId } = synthesize('dev');
  const secrets = {
    pageTokens: stack.functions.pageTokenSecret!,
    githubSecret: stack.functions.githubClientSecret!,
  } as const;
  const reads = (name: FunctionName, secret: keyof typeof secrets) =>
    statementsOfRole(template, logicalId(stack.functions.byName.get(name)!.role!)).some(
      (s) =>
        actionsOf(s).includes('secretsmanager:GetSecretValue') &&
        referencedLogicalIds(s.Resource).has(logicalId(secrets[secret])),
    );
  const kinds = Object.keys(secrets) as (keyof typeof secrets)[];

  it('are the page-token key, a generated 64-character string, and the GitHub client secret', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', kinds.length);
    expect(resource(template, logicalId(secrets.pageTokens)).Properties).toMatchObject({
      GenerateSecretString: { PasswordLength: 64 },
    });
  });

  it.each(deployed)('are readable by %s only as far as it declares them', (name) => {
    for (const secret of kinds) {
      expect(reads(name, secret), secret).toBe(declaration(name)[secret] === true);
    }
  });

  it("let list-links read the page-token key, not list-tags; only the login callback reads GitHub's", () => {
    expect(reads('listLinks', 'pageTokens')).toBe(true);
    expect(reads('listTags', 'pageTokens')).toBe(false);
    expect(deployed.filter((name) => reads(name, 'githubSecret'))).toEqual(['loginCallback']);
  });

  it('have no resource policy that could widen who reads them', () => {
    template.resourceCountIs('AWS::SecretsManager::ResourcePolicy', 0);
  });

  it.each(deployed)('are named in the environment of %s only as far as it declares them', (name) => {
    const fn = resource(template, logicalId(stack.functions.byName.get(name)!));
    for (const secret of kinds) {
      expect(referencedLogicalIds(fn.Properties.Environment).has(logicalId(secrets[secret])), secret).toBe(
        declaration(name)[secret] === true,
      );
    }
  });
});
