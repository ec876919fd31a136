import {
  Duration,
  Stack,
  Validations,
  aws_codedeploy as codedeploy,
  aws_dynamodb as dynamodb,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import {
  buckets,
  functions,
  queues,
  answersPosts,
  idempotencyKeyPrefixOf,
  idempotentRequests,
  rateLimiting,
  tables,
  type BucketAccess,
  type BucketName,
  type FunctionDeclaration,
  type FunctionName,
  type QueueName,
  type TableReach,
  type TableName,
} from '../shared/wiring.ts';
import { FUNCTION_HANDLER, functionAsset } from './bundling.ts';
import {
  QUEUE_SEND_ACTIONS,
  SECRET_READ_ACTIONS,
  bucketStatements,
  onItems,
  tableStatements,
} from './permissions.ts';
import type { StageSettings } from './stage.ts';

/** The alias every trigger invokes, moved to each new version by CodeDeploy. */
export const LIVE_ALIAS = 'live';

/**
 * One CodeDeploy application and one role for all the deployment groups of the service stack's nested context
 * stacks (one each would cost two resources per function of a stack's 500), in the service stack itself.
 */
export class Deployments extends Construct {
  readonly application: codedeploy.LambdaApplication;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, stage: string) {
    super(scope, id);
    this.application = new codedeploy.LambdaApplication(this, 'Application', {
      applicationName: `delinkcious-${stage}`,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSCodeDeployRoleForLambdaLimited'),
      ],
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason:
        "CodeDeploy's role for Lambda deployments: the AWS-managed policy lets it shift the aliases and read " +
        'the alarms, which is all it does.',
    });
  }
}

/** Where GitHub sends the browser back after a login: the route of the function that exchanges the code. */
export const GITHUB_CALLBACK_PATH = '/login/authorized';

/**
 * The code of a function: functions/<entry>.ts, exporting `handler`, bundled as lib/bundling.ts says, for
 * Node.js 24 on arm64 (Graviton: cheaper per GB-second than x86, and the bundle is plain JavaScript).
 */
export function functionCode(entry: string) {
  return {
    code: functionAsset(entry),
    handler: FUNCTION_HANDLER,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
  };
}

/** What the functions may be given access to: the data stack's tables, buckets and secrets, and the queues. */
export interface FunctionResources {
  tables: Record<TableName, dynamodb.ITable>;
  buckets: Record<BucketName, s3.IBucket>;
  queues: Record<QueueName, sqs.IQueue>;
  pageTokenSecret?: secretsmanager.ISecret;
  githubClientSecret?: secretsmanager.ISecret;
}

interface ServiceFunctionProps {
  name: FunctionName;
  settings: StageSettings;
  appVersion: string;
  /** The GitHub OAuth app's client ID (public); without it, GitHub login answers 503. */
  githubClientId: string | undefined;
  /** Serves HTTP, and so counts each request in the users table's rate-limit items. */
  servesHttp: boolean;
  /** The stack's one CodeDeploy application and role, shared by every function's deployment group. */
  deployments: Deployments;
  resources: FunctionResources;
}

/**
 * One deployed function of the wiring: its Lambda function, its own role and its own log group.
 *
 * - Code: functions/<entry>.ts bundled and split by the local esbuild (lib/bundling.ts), Node.js 24 on arm64 (Graviton:
 *   cheaper per GB-second than x86, and the bundle is plain JavaScript), X-Ray tracing on.
 * - Size: memory and timeout from the declaration's `size` (shared/wiring.ts), where each choice is written down.
 * - Environment: names only (tables, queues, buckets, the ARNs of secrets) and settings; the values behind them
 *   are read at run time with the function's own rights. No secret is ever in the environment.
 * - Rights: exactly what the declaration says (each table's items by their key prefixes, and attributes where
 *   it names them; buckets under their prefix, queues it sends to, secrets it declares), with only the actions
 *   the adapters use (lib/permissions.ts), plus writing to its own log group. No managed policy.
 */
export class ServiceFunction extends Construct {
  readonly name: FunctionName;
  readonly declaration: FunctionDeclaration;
  readonly function: lambda.Function;
  /**
   * What everything invokes (API routes, event sources, schedules): the `live` alias of the function's latest
   * published version, which CodeDeploy moves to each new version (see `deployment`).
   */
  readonly alias: lambda.Alias;
  /** Shifts the alias to a new version: a canary in prod, all at once in dev; rolls back on its alarms. */
  readonly deployment: codedeploy.LambdaDeploymentGroup;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private readonly servesHttp: boolean;

  constructor(scope: Construct, props: ServiceFunctionProps) {
    super(scope, props.name);
    const { name, settings } = props;
    const declaration = functions[name] as FunctionDeclaration;
    this.name = name;
    this.servesHttp = props.servesHttp;
    this.declaration = declaration;
    const size = declaration.size;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Delinkcious ${declaration.entry} (${settings.stage})`,
    });
    // Instead of AWSLambdaBasicExecutionRole (any log group in the account): this function's own group only.
    this.logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Function', {
      ...functionCode(declaration.entry),
      description: `Delinkcious ${declaration.entry} (${settings.stage})`,
      memorySize: size.memoryMb,
      timeout: Duration.seconds(size.timeoutSeconds),
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      // An explicit log group rather than `logRetention`, which would add a custom-resource Lambda.
      logGroup: this.logGroup,
      environment: this.environment(props),
    });

    this.alias = new lambda.Alias(this, 'Live', {
      aliasName: LIVE_ALIAS,
      version: this.function.currentVersion,
    });
    this.deployment = new codedeploy.LambdaDeploymentGroup(this, 'Deployment', {
      alias: this.alias,
      application: props.deployments.application,
      role: props.deployments.role,
      deploymentConfig: settings.deployment.canary
        ? codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES
        : codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
      // Rolls back when an alarm added by lib/monitoring.ts fires during the shift, or the deployment fails.
      autoRollback: { failedDeployment: true, deploymentInAlarm: true, stoppedDeployment: true },
    });

    this.grant(props);
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only actions that AWS cannot scope to a resource: X-Ray PutTraceSegments and PutTelemetryRecords ' +
        '(tracing) and, for stream consumers, DynamoDB ListStreams (test/infra/permissions.test.ts holds ' +
        'every wildcard resource to exactly these actions).',
    });
  }

  /**
   * Tells the function the site's public URL (`https://<domain>`, no trailing slash), known only once the
   * distribution exists: where feeds and pages link to (SERVICE_URL), and a GitHub login function's callback.
   */
  useSiteUrl(siteUrl: string): void {
    if (this.servesHttp) this.function.addEnvironment('SERVICE_URL', siteUrl);
    if (this.declaration.githubApp) {
      this.function.addEnvironment('GITHUB_CALLBACK_URL', `${siteUrl}${GITHUB_CALLBACK_PATH}`);
    }
  }

  private grant(props: ServiceFunctionProps): void {
    const { resources } = props;
    const allow = (statement: iam.PolicyStatement) => this.role.addToPrincipalPolicy(statement);

    const declaredTables = Object.entries(this.declaration.tables) as [TableName, TableReach][];
    for (const [table, reach] of declaredTables) {
      tableStatements(resources.tables[table], tables[table], reach).forEach(allow);
    }
    const declaredBuckets = Object.entries(this.declaration.buckets ?? {}) as [BucketName, BucketAccess][];
    for (const [bucket, access] of declaredBuckets) {
      const [objects, listing] = bucketStatements(
        resources.buckets[bucket],
        buckets[bucket].keyPrefix,
        access,
      );
      allow(objects!);
      allow(listing!);
      // Object keys are per user and link, so they can only be named by their prefix.
      for (const resource of objects!.resources) {
        const flat = flattenCfnReference(Stack.of(this).resolve(resource));
        Validations.of(this).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${flat}]`,
          reason: `The objects under the ${bucket} bucket's declared prefix, whose keys are made per user and link.`,
        });
      }
    }
    const sendsTo = this.declaration.sendsTo ?? [];
    if (sendsTo.length > 0) {
      allow(
        new iam.PolicyStatement({
          actions: [...QUEUE_SEND_ACTIONS],
          resources: sendsTo.map((queue) => resources.queues[queue].queueArn),
        }),
      );
    }
    const secrets = [
      ...(this.declaration.pageTokens && resources.pageTokenSecret ? [resources.pageTokenSecret] : []),
      ...(this.declaration.githubSecret && resources.githubClientSecret
        ? [resources.githubClientSecret]
        : []),
    ];
    if (secrets.length > 0) {
      allow(
        new iam.PolicyStatement({
          actions: [...SECRET_READ_ACTIONS],
          resources: secrets.map((secret) => secret.secretArn),
        }),
      );
    }
    if (props.servesHttp) {
      // Only the items that count requests: a function that declares no users table still cannot read users.
      allow(
        new iam.PolicyStatement({
          actions: [...rateLimiting.actions],
          resources: [resources.tables[rateLimiting.table].tableArn],
          conditions: onItems([rateLimiting.keyPrefix]),
        }),
      );
    }
    if (answersPosts(props.name)) {
      // Its own idempotency records only: another function's answers stay out of its reach.
      allow(
        new iam.PolicyStatement({
          actions: [...idempotentRequests.actions],
          resources: [resources.tables[idempotentRequests.table].tableArn],
          conditions: onItems([`${idempotencyKeyPrefixOf(props.name)}#`]),
        }),
      );
    }
  }

  /** Names and settings only: the values behind them (items, objects, secrets) are read at run time. */
  private environment(props: ServiceFunctionProps): Record<string, string> {
    const { resources, settings } = props;
    const declaration = this.declaration;
    const env: Record<string, string> = {
      APP_VERSION: props.appVersion,
      POWERTOOLS_SERVICE_NAME: 'delinkcious',
      // The `stage` dimension of the business metrics (shared/metrics.ts).
      STAGE: settings.stage,
    };
    const nameTable = (table: TableName) => (env[tables[table].envVar] = resources.tables[table].tableName);
    (Object.keys(declaration.tables) as TableName[]).forEach(nameTable);
    for (const queue of declaration.sendsTo ?? [])
      env[queues[queue].envVar] = resources.queues[queue].queueUrl;
    for (const bucket of Object.keys(declaration.buckets ?? {}) as BucketName[]) {
      env[buckets[bucket].envVar] = resources.buckets[bucket].bucketName;
    }
    if (props.servesHttp) {
      nameTable(rateLimiting.table);
      env.RATE_LIMIT_PER_SECOND = String(settings.rateLimit.perSecond);
      env.RATE_LIMIT_BURST = String(settings.rateLimit.burst);
      env.RATE_LIMIT_CLAIM_SIZE = String(settings.rateLimit.tokensPerClaim);
      env.RATE_LIMIT_LEASE_SECONDS = String(settings.rateLimit.leaseSeconds);
    }
    if (answersPosts(props.name)) nameTable(idempotentRequests.table);
    if (declaration.pageTokens && resources.pageTokenSecret) {
      env.PAGE_TOKEN_SECRET_ARN = resources.pageTokenSecret.secretArn;
    }
    if (declaration.githubApp && props.githubClientId) env.GITHUB_CLIENT_ID = props.githubClientId;
    if (declaration.githubSecret && resources.githubClientSecret) {
      env.GITHUB_CLIENT_SECRET_ARN = resources.githubClientSecret.secretArn;
    }
    return env;
  }
}
