import { CfnOutput, Stack, Tags, aws_dynamodb as dynamodb, aws_s3 as s3, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { BucketName, TableName } from '../shared/wiring.ts';
import { ContextData } from './context-data.ts';
import { boundedContexts } from './contexts.ts';
import { Secrets } from './secrets.ts';
import type { StageSettings } from './stage.ts';

interface DataStackProps extends StackProps {
  settings: StageSettings;
}

/**
 * The stateful stack: what must outlive a deployment of the code. One construct per bounded context with the
 * tables and buckets it owns, and the secrets. In prod everything here is retained when removed, the tables
 * refuse deletion and the stack has termination protection; in dev `cdk destroy` removes it all.
 */
export class DataStack extends Stack {
  readonly contexts: ContextData[];
  readonly tables: Record<TableName, dynamodb.Table>;
  readonly buckets: Record<BucketName, s3.Bucket>;
  readonly secrets: Secrets;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { ...props, terminationProtection: props.settings.terminationProtection });
    Tags.of(this).add('app', 'delinkcious');
    Tags.of(this).add('stage', props.settings.stage);

    this.contexts = boundedContexts()
      .filter((context) => context.tables.length + context.buckets.length > 0)
      .map((context) => new ContextData(this, context, props.settings));
    this.tables = Object.assign({}, ...this.contexts.map((c) => c.tables)) as Record<
      TableName,
      dynamodb.Table
    >;
    this.buckets = Object.assign({}, ...this.contexts.map((c) => c.buckets)) as Record<BucketName, s3.Bucket>;
    this.secrets = new Secrets(this, 'Secrets', props.settings);
    if (this.secrets.githubClientSecret) {
      new CfnOutput(this, 'GitHubClientSecretArn', {
        value: this.secrets.githubClientSecret.secretArn,
        description: "Put the GitHub OAuth app's client secret here (aws secretsmanager put-secret-value)",
      });
    }
  }
}
