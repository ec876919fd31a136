import { describe, expect, it } from 'vitest';
import { GITHUB_CALLBACK_PATH } from '../../lib/functions.ts';
import {
  deployedFunctionNames,
  functions,
  httpFunctionNames,
  isDeployed,
  queues,
  rateLimiting,
  routes,
  tables,
  type FunctionDeclaration,
  type FunctionName,
  type TableName,
} from '../../shared/wiring.ts';
import {
  TEST_GITHUB_CLIENT_ID,
  references,
  referencedLogicalIds,
  resource,
  resourcesOfType,
  synthesize,
} from './support.ts';

const deployed = deployedFunctionNames();
const declaration = (name: FunctionName): FunctionDeclaration => functions[name];
const servesHttp = (name: FunctionName) => httpFunctionNames().includes(name);

describe('the functions, given the wiring', () => {
  const { stack, template, logicalId } = synthesize('dev');
  const lambda = (name: FunctionName) => resource(template, logicalId(stack.functions.byName.get(name)!));
  const variables = (name: FunctionName) =>
    (lambda(name).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

  it('deploys one Lambda function per deployed function and nothing else', () => {
    template.resourceCountIs('AWS::Lambda::Function', deployed.length);
    expect([...stack.functions.byName.keys()]).toEqual(deployed);
  });

  it('never deploys a local-only function', () => {
    const localOnly = (Object.keys(functions) as FunctionName[]).filter(
      (name) => declaration(name).localOnly,
    );

    expect(localOnly).toContain('devLogin');
    for (const name of localOnly) expect(stack.functions.byName.has(name)).toBe(false);
    const descriptions = Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Description,
    );
    expect(descriptions.filter((d) => String(d).includes('dev-login'))).toEqual([]);
  });

  it.each(deployed)('runs %s on Node.js 24 on ARM, traced, with its declared size and timeout', (name) => {
    expect(lambda(name).Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      MemorySize: declaration(name).memoryMb ?? 256,
      Timeout: declaration(name).timeoutSeconds ?? 10,
    });
  });

  it.each(deployed)('tells %s only what it needs: its tables, queues, secrets and settings', (name) => {
    const own = declaration(name);
    const ownTables = new Set(Object.keys(own.tables) as TableName[]);
    if (servesHttp(name)) ownTables.add(rateLimiting.table);
    const ownQueues = own.sendsTo ?? [];

    expect(Object.keys(variables(name)).sort()).toEqual(
      [
        'APP_VERSION',
        'NODE_OPTIONS',
        'POWERTOOLS_SERVICE_NAME',
        ...[...ownTables].map((table) => tables[table].envVar),
        ...ownQueues.map((queue) => queues[queue].envVar),
        ...(servesHttp(name) ? ['RATE_LIMIT_PER_SECOND', 'RATE_LIMIT_BURST'] : []),
        ...(own.pageTokens ? ['PAGE_TOKEN_SECRET_ARN'] : []),
        ...(own.githubApp ? ['GITHUB_CLIENT_ID', 'GITHUB_CALLBACK_URL'] : []),
        ...(own.githubSecret ? ['GITHUB_CLIENT_SECRET_ARN'] : []),
      ].sort(),
    );
    for (const table of ownTables) {
      expect(referencedLogicalIds(variables(name)[tables[table].envVar])).toEqual(
        new Set([logicalId(stack.tables.byName[table])]),
      );
    }
    for (const queue of ownQueues) {
      expect(referencedLogicalIds(variables(name)[queues[queue].envVar])).toEqual(
        new Set([logicalId(stack.queues.byName[queue])]),
      );
    }
    expect(variables(name)).toMatchObject({
      APP_VERSION: '9.9.9-test',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('gives list-tags both tables but not the page-token secret, and healthz only the users table', () => {
    const names = (name: FunctionName) => Object.keys(variables(name));

    expect(names('listTags')).toEqual(expect.arrayContaining(['LINKS_TABLE', 'USERS_TABLE']));
    expect(names('listTags')).not.toContain('PAGE_TOKEN_SECRET_ARN');
    expect(names('listLinks')).toContain('PAGE_TOKEN_SECRET_ARN');
    // healthz declares no table; it knows the users table only to count requests (rate limiting).
    expect(names('healthz').filter((v) => v.endsWith('_TABLE'))).toEqual(['USERS_TABLE']);
  });

  it('limits each client of an HTTP function to 12 requests per second, bursts of 80', () => {
    const http = deployed.filter(servesHttp);

    expect(http).toEqual(expect.arrayContaining(['healthz', 'notFound', 'listLinks']));
    for (const name of http) {
      expect(variables(name), name).toMatchObject({ RATE_LIMIT_PER_SECOND: '12', RATE_LIMIT_BURST: '80' });
    }
  });

  it('tells the GitHub login functions the client ID and the callback URL on this API', () => {
    const gitHub = deployed.filter((name) => declaration(name).githubApp);

    expect(gitHub).toEqual(expect.arrayContaining(['login', 'loginCallback']));
    for (const name of gitHub) {
      const callbackUrl = variables(name).GITHUB_CALLBACK_URL as { 'Fn::Join': [string, unknown[]] };
      expect(variables(name).GITHUB_CLIENT_ID).toBe(TEST_GITHUB_CLIENT_ID);
      expect(references(callbackUrl)).toContain(logicalId(stack.api.httpApi));
      expect(callbackUrl['Fn::Join'][1].at(-1)).toMatch(new RegExp(`${GITHUB_CALLBACK_PATH}$`));
    }
  });

  it('has a deployed GET route at the callback path, to the function that reads the GitHub secret', () => {
    const callback = routes.filter(isDeployed).find((r) => r.path === GITHUB_CALLBACK_PATH);

    expect(callback?.method).toBe('GET');
    expect(declaration(callback!.function).githubSecret).toBe(true);
  });

  it.each(deployed)('keeps the logs of %s for a month', (name) => {
    const logGroupId = [...referencedLogicalIds(lambda(name).Properties.LoggingConfig)][0]!;

    expect(resource(template, logGroupId).Properties.RetentionInDays).toBe(30);
  });
});
