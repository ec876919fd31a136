import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Duration,
  aws_dynamodb as dynamodb,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_secretsmanager as secretsmanager,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import {
  deployedFunctionNames,
  functions,
  httpFunctionNames,
  queues,
  rateLimiting,
  tables,
  type FunctionDeclaration,
  type FunctionName,
  type QueueName,
  type TableAccess,
  type TableName,
} from '../shared/wiring.ts';
import type { StageSettings } from './stage.ts';

/** The repository root: entries, the lockfile and node_modules are found from here, whatever the cwd. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

const DEFAULT_MEMORY_MB = 256;
const DEFAULT_TIMEOUT_SECONDS = 10;

/** Where GitHub sends the browser back after a login: the route of the function that exchanges the code. */
export const GITHUB_CALLBACK_PATH = '/login/authorized';

/**
 * Bundles are ES modules; a few dependencies are still CommonJS and call `require`, which ESM lacks, so the
 * banner defines it. The alias keeps it from clashing with a bundled `createRequire`.
 */
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export interface FunctionsProps {
  settings: StageSettings;
  tables: Record<TableName, dynamodb.ITable>;
  queues: Record<QueueName, sqs.IQueue>;
  appVersion: string;
  /** The GitHub OAuth app's client ID (public); without it, GitHub login answers 503. */
  githubClientId: string | undefined;
}

/**
 * One Lambda function per deployed function in the wiring (local-only ones are skipped), each granted exactly
 * what it declares (tables, queues, secrets) and told their names through the variables the wiring names.
 * Functions that serve HTTP may also count requests in the rate-limit items of the users table.
 */
export class Functions extends Construct {
  readonly byName: ReadonlyMap<FunctionName, NodejsFunction>;
  /** The key that signs pagination tokens; only functions declaring `pageTokens` may read it. */
  readonly pageTokenSecret: secretsmanager.Secret | undefined;
  /**
   * The GitHub OAuth app's client secret; only functions declaring `githubSecret` may read it. Its generated
   * value is a placeholder: the operator puts the real one (see the stack's outputs).
   */
  readonly githubClientSecret: secretsmanager.Secret | undefined;

  private readonly declarations: ReadonlyMap<FunctionName, FunctionDeclaration>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const names = deployedFunctionNames();
    this.declarations = new Map(names.map((name) => [name, functions[name] as FunctionDeclaration]));
    const declared = [...this.declarations.values()];

    this.pageTokenSecret = declared.some((d) => d.pageTokens)
      ? new secretsmanager.Secret(this, 'PageTokenSecret', {
          description: 'Signs pagination tokens so that clients cannot forge or alter them.',
          generateSecretString: { passwordLength: 64, excludePunctuation: true },
        })
      : undefined;
    this.githubClientSecret = declared.some((d) => d.githubSecret)
      ? new secretsmanager.Secret(this, 'GitHubClientSecret', {
          description: "The GitHub OAuth app's client secret: replace the generated placeholder with it.",
        })
      : undefined;

    const servesHttp = new Set(httpFunctionNames());
    this.byName = new Map(
      names.map(
        (name) =>
          [name, this.function(name, this.declarations.get(name)!, servesHttp.has(name), props)] as const,
      ),
    );
  }

  /**
   * Tells the GitHub login functions the callback URL, which is known only once the API exists (the API in
   * turn needs the functions, so this comes after both).
   */
  useApiUrl(apiUrl: string): void {
    for (const [name, fn] of this.byName) {
      if (!this.declarations.get(name)!.githubApp) continue;
      // The URL ends with a slash; the callback path starts with one.
      fn.addEnvironment('GITHUB_CALLBACK_URL', `${apiUrl}${GITHUB_CALLBACK_PATH.slice(1)}`);
    }
  }

  private function(
    name: FunctionName,
    declaration: FunctionDeclaration,
    servesHttp: boolean,
    props: FunctionsProps,
  ): NodejsFunction {
    const fn = new NodejsFunction(this, name, {
      description: `Delinkcious ${declaration.entry} (${props.settings.stage})`,
      entry: join(PROJECT_ROOT, 'functions', `${declaration.entry}.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      // Graviton: cheaper per GB-second than x86, and the bundles are plain JavaScript.
      architecture: lambda.Architecture.ARM_64,
      memorySize: declaration.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(declaration.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      tracing: lambda.Tracing.ACTIVE,
      // An explicit log group rather than `logRetention`, which would add a custom-resource Lambda.
      logGroup: new logs.LogGroup(this, `${name}Logs`, {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: props.settings.removalPolicy,
      }),
      environment: this.environment(declaration, servesHttp, props),
      // The local esbuild, never Docker (there is none on the build machines).
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        forceDockerBundling: false,
      },
    });

    for (const [table, access] of Object.entries(declaration.tables) as [TableName, TableAccess][]) {
      grant(props.tables[table], access, fn);
    }
    for (const queue of declaration.sendsTo ?? []) props.queues[queue].grantSendMessages(fn);
    if (declaration.pageTokens) this.pageTokenSecret?.grantRead(fn);
    if (declaration.githubSecret) this.githubClientSecret?.grantRead(fn);
    if (servesHttp) {
      // Only the items that count requests: a function that declares no users table still cannot touch users.
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...rateLimiting.actions],
          resources: [props.tables[rateLimiting.table].tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${rateLimiting.keyPrefix}*`] },
          },
        }),
      );
    }
    return fn;
  }

  /** Names and settings only: the values behind them (items, secrets) are read at run time. */
  private environment(
    declaration: FunctionDeclaration,
    servesHttp: boolean,
    props: FunctionsProps,
  ): Record<string, string> {
    const env: Record<string, string> = {
      APP_VERSION: props.appVersion,
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'delinkcious',
    };
    const nameTable = (table: TableName) => (env[tables[table].envVar] = props.tables[table].tableName);
    (Object.keys(declaration.tables) as TableName[]).forEach(nameTable);
    for (const queue of declaration.sendsTo ?? []) env[queues[queue].envVar] = props.queues[queue].queueUrl;
    if (servesHttp) {
      nameTable(rateLimiting.table);
      env.RATE_LIMIT_PER_SECOND = String(props.settings.rateLimit.perSecond);
      env.RATE_LIMIT_BURST = String(props.settings.rateLimit.burst);
    }
    if (declaration.pageTokens && this.pageTokenSecret) {
      env.PAGE_TOKEN_SECRET_ARN = this.pageTokenSecret.secretArn;
    }
    if (declaration.githubApp && props.githubClientId) env.GITHUB_CLIENT_ID = props.githubClientId;
    if (declaration.githubSecret && this.githubClientSecret) {
      env.GITHUB_CLIENT_SECRET_ARN = this.githubClientSecret.secretArn;
    }
    return env;
  }
}

/** Read or read-write on the table's items and its indexes; nothing broader (no table administration). */
function grant(table: dynamodb.ITable, access: TableAccess, fn: NodejsFunction): void {
  switch (access) {
    case 'read':
      table.grantReadData(fn);
      return;
    case 'readwrite':
      table.grantReadWriteData(fn);
      return;
  }
}
