import {
  Annotations,
  Aws,
  CfnOutput,
  CfnRule,
  Fn,
  NestedStack,
  Stack,
  Tags,
  Validations,
  aws_s3 as s3,
  aws_s3_notifications as s3n,
  aws_sqs as sqs,
  type StackProps,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  buckets,
  eventSources,
  functions,
  httpFunctionNames,
  queues,
  type BucketDeclaration,
  type BucketName,
  type FunctionName,
  type QueueName,
} from '../shared/wiring.ts';
import { Api } from './api.ts';
import { presignedUrlOrigin } from '../shared/aws/s3.ts';
import { physicalBucketName } from './buckets.ts';
import { ContextService } from './context-service.ts';
import { Delivery } from './delivery.ts';
import { boundedContexts } from './contexts.ts';
import type { DataStack } from './data-stack.ts';
import { Deployments, GITHUB_CALLBACK_PATH, type ServiceFunction } from './functions.ts';
import { AlarmTopic, Monitoring, RollbackAlarms } from './monitoring.ts';
import type { SiteDomain, StageSettings } from './stage.ts';

interface ServiceStackProps extends StackProps {
  settings: StageSettings;
  data: DataStack;
  /** Reported by GET /healthz. */
  appVersion: string;
  /** The GitHub OAuth app's client ID (`-c githubClientId=...`); without it, GitHub login answers 503. */
  githubClientId?: string;
  /** Subscribed to the alarm topic (`-c alarmEmail=...`). */
  alarmEmail?: string;
  /** The site's own domain and certificate (`-c domainName=... -c certificateArn=...`). */
  siteDomain?: SiteDomain;
}

/** CloudFront takes its web ACL and certificate from this region only. */
export const DELIVERY_REGION = 'us-east-1';

/**
 * The stateless stack: everything that can be replaced by deploying again. Each bounded context's queues,
 * functions, triggers and rollback alarms; the HTTP API in front of them; the delivery tier (CloudFront, the web
 * client's bucket, the web ACL) in front of both; alarms and a dashboard. It reads the stateful stack's tables and
 * secrets (CloudFormation exports) and names its buckets.
 *
 * CloudFormation takes at most 500 resources per stack, and each function brings about ten (its role, policy,
 * log group, version, alias, deployment group, alarm, permissions, mappings). So the stack itself keeps only what
 * joins the parts (the HTTP API with its routes, integrations and invoke permissions, the buckets' notifications,
 * the alarm topic, CodeDeploy's application, the outputs), and the parts are nested stacks: one per bounded
 * context (`<Context>Context`), the delivery tier (`DeliveryTier`) and the monitoring (`Monitoring`). CDK passes
 * what one refers to in another as the nested stacks' parameters and outputs. test/infra/stacks.test.ts keeps
 * every template under the limits.
 *
 * It deploys to us-east-1 only (a CloudFormation rule refuses any other region): CloudFront's web ACL must be
 * there, and the distribution refers to it, to the API and to the functions' site URL within one stack.
 */
export class ServiceStack extends Stack {
  readonly settings: StageSettings;
  readonly contexts: ContextService[];
  readonly functions: ReadonlyMap<FunctionName, ServiceFunction>;
  readonly queues: Record<QueueName, sqs.Queue>;
  readonly deadLetterQueues: Partial<Record<QueueName, sqs.Queue>>;
  readonly buckets: Record<BucketName, s3.IBucket>;
  readonly api: Api;
  readonly delivery: Delivery;
  readonly alarmTopic: AlarmTopic;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { ...props, terminationProtection: props.settings.terminationProtection });
    const { settings, data } = props;
    this.settings = settings;
    Tags.of(this).add('app', 'delinkcious');
    Tags.of(this).add('stage', settings.stage);
    this.addStackDependency(data, 'the functions use its tables, buckets and secrets');
    new CfnRule(this, 'DeliveryRegion', {
      assertions: [
        {
          assert: Fn.conditionEquals(Aws.REGION, DELIVERY_REGION),
          assertDescription: `Deploy Delinkcious to ${DELIVERY_REGION}: CloudFront's web ACL and certificate live there.`,
        },
      ],
    });

    // Each context in a nested stack of its own, built in two steps across them (see ContextService).
    this.contexts = boundedContexts()
      .filter((context) => context.functions.length + context.queues.length > 0)
      .map(
        (context) =>
          new ContextService(
            new NestedStack(this, `${context.id}Context`, {
              description: `Delinkcious ${settings.stage}: the ${context.name} context's queues, functions and triggers`,
            }),
            context,
          ),
      );
    this.queues = Object.assign({}, ...this.contexts.map((c) => c.queues)) as Record<QueueName, sqs.Queue>;
    this.deadLetterQueues = Object.assign({}, ...this.contexts.map((c) => c.deadLetterQueues));
    this.buckets = Object.fromEntries(
      (Object.keys(buckets) as BucketName[]).map((name) => [
        name,
        s3.Bucket.fromBucketName(this, `${name}Bucket`, physicalBucketName(settings.stage, name)),
      ]),
    ) as Record<BucketName, s3.IBucket>;

    this.notifyObjectsCreated();

    const servesHttp = new Set(httpFunctionNames());
    const deployments = new Deployments(this, 'Deployments', settings.stage);
    for (const context of this.contexts) {
      context.addFunctions({
        settings,
        appVersion: props.appVersion,
        githubClientId: props.githubClientId,
        servesHttp,
        deployments,
        resources: {
          tables: data.tables,
          buckets: this.buckets,
          queues: this.queues,
          pageTokenSecret: data.secrets.pageTokenSecret,
          githubClientSecret: data.secrets.githubClientSecret,
        },
      });
    }
    this.functions = new Map(this.contexts.flatMap((context) => [...context.functions]));
    checkVisibilityTimeouts();

    this.api = new Api(this, 'Api', {
      settings,
      // The routes invoke each function's live alias, which CodeDeploy shifts.
      functions: new Map([...this.functions].map(([name, fn]) => [name, fn.alias])),
    });
    this.delivery = new Delivery(new NestedStack(this, 'DeliveryTier'), 'Delivery', {
      settings,
      api: this.api,
      siteDomain: props.siteDomain,
      uploadOrigins: browserUploadOrigins(settings),
    });
    for (const fn of this.functions.values()) fn.useSiteUrl(this.delivery.siteUrl);

    this.alarmTopic = new AlarmTopic(this, 'Alarms', { stage: settings.stage, alarmEmail: props.alarmEmail });
    const rollbackAlarms = this.contexts.flatMap(
      (context) =>
        new RollbackAlarms(context, 'RollbackAlarms', {
          stage: settings.stage,
          topic: this.alarmTopic.topic,
          context: context.context.name,
          functions: context.functions,
        }).alarms,
    );

    const failureQueues = new Map<string, sqs.IQueue>();
    const workQueues = new Map<string, sqs.IQueue>();
    for (const name of Object.keys(queues) as QueueName[]) {
      const deadLetters = this.deadLetterQueues[name];
      if (deadLetters) {
        workQueues.set(name, this.queues[name]);
        failureQueues.set(`${name}DeadLetters`, deadLetters);
      } else {
        failureQueues.set(name, this.queues[name]);
      }
    }
    this.monitoring = new Monitoring(new NestedStack(this, 'Monitoring'), 'Monitoring', {
      settings,
      topic: this.alarmTopic.topic,
      api: this.api,
      functions: this.functions,
      failureQueues,
      workQueues,
      streamConsumers: [...new Set(eventSources.flatMap((s) => (s.kind === 'stream' ? [s.function] : [])))],
      tables: data.tables,
      rollbackAlarms,
    });

    new CfnOutput(this, 'SiteUrl', {
      value: this.delivery.siteUrl,
      description: 'The site: the web client and the API, through CloudFront',
    });
    new CfnOutput(this, 'DistributionDomainName', {
      value: this.delivery.distribution.distributionDomainName,
      description: "Point the custom domain's DNS record (CNAME or alias) here",
    });
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'The HTTP API itself, without the web ACL: use the site URL',
    });
    new CfnOutput(this, 'GitHubCallbackUrl', {
      value: `${this.delivery.siteUrl}${GITHUB_CALLBACK_PATH}`,
      description: "The GitHub OAuth app's authorization callback URL",
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topic.topicArn,
      description: 'Subscribe to it to hear about alarms',
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.monitoring.dashboard.dashboardName}`,
      description: 'The CloudWatch dashboard',
    });
    if (data.secrets.githubClientSecret && !props.githubClientId) {
      Annotations.of(this).addWarningV2(
        'delinkcious:githubClientId',
        'No GitHub OAuth app: pass -c githubClientId=<client ID>, or GitHub login answers 503.',
      );
    }
  }

  /**
   * S3's event notification of each object created under a bucket's prefix, to the queue the wiring names
   * (`notifyCreatedTo`). The bucket lives in the data stack and the queue here, so the notification is set from
   * here, on the bucket by name, through CDK's notifications custom resource (which adds only its own
   * configuration, leaving any other in place); the queue's policy lets S3 send from that bucket alone.
   */
  private notifyObjectsCreated(): void {
    for (const name of Object.keys(buckets) as BucketName[]) {
      const declaration: BucketDeclaration = buckets[name];
      if (!declaration.notifyCreatedTo) continue;
      this.buckets[name].addEventNotification(
        s3.EventType.OBJECT_CREATED,
        new s3n.SqsDestination(this.queues[declaration.notifyCreatedTo]),
        { prefix: declaration.keyPrefix },
      );
    }
    const handler = this.node.children.find((child) =>
      child.node.id.startsWith('BucketNotificationsHandler'),
    );
    const role = handler?.node.tryFindChild('Role');
    if (role) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's own handler that sets bucket notifications at deploy time: it runs only then, and the " +
          'managed policy lets it write its logs, nothing more; its other right is PutBucketNotification.',
      });
    }
  }
}

/**
 * Lambda refuses a queue whose visibility timeout is shorter than its consumer's timeout, and AWS advises six
 * times the timeout plus the batching window, so that retries of a slow batch do not overlap.
 */
function checkVisibilityTimeouts(): void {
  for (const source of eventSources) {
    if (source.kind !== 'queue') continue;
    const needed = functions[source.function].size.timeoutSeconds;
    const visibility = queues[source.queue].visibilityTimeoutSeconds;
    if (visibility < needed) {
      throw new Error(
        `The ${source.queue} queue's visibility timeout (${visibility} s) is shorter than the timeout of ` +
          `${source.function}, which consumes it (${needed} s): Lambda would refuse the mapping.`,
      );
    }
  }
}

/** The origins of the presigned URLs of the buckets browsers upload to (`browserAccess`), as the SDK presigns them. */
export function browserUploadOrigins(settings: StageSettings): string[] {
  return (Object.keys(buckets) as BucketName[])
    .filter((name) => (buckets[name] as BucketDeclaration).browserAccess)
    .map((name) => presignedUrlOrigin(physicalBucketName(settings.stage, name), { AWS_REGION: Aws.REGION }));
}
