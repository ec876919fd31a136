import { Annotations, CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api.ts';
import { connectEventSources } from './event-sources.ts';
import { Functions } from './functions.ts';
import { Queues } from './queues.ts';
import { stageSettings, type Stage } from './stage.ts';
import { Tables } from './tables.ts';

export interface DelinkciousStackProps extends StackProps {
  stage: Stage;
  /** Reported by GET /healthz. */
  appVersion: string;
  /** The GitHub OAuth app's client ID (`-c githubClientId=...`); without it, GitHub login answers 503. */
  githubClientId?: string;
}

/**
 * Everything Delinkcious deploys, built from shared/wiring.ts: the tables and queues, the functions with
 * exactly the access they declare, their event sources, and the HTTP API in front of them.
 * No `env`: the stack synthesizes offline, without credentials, and deploys to whichever account and region
 * the CLI is pointed at.
 */
export class DelinkciousStack extends Stack {
  readonly tables: Tables;
  readonly queues: Queues;
  readonly functions: Functions;
  readonly api: Api;

  constructor(scope: Construct, id: string, props: DelinkciousStackProps) {
    super(scope, id, props);
    const settings = stageSettings(props.stage);
    Tags.of(this).add('app', 'delinkcious');
    Tags.of(this).add('stage', props.stage);

    this.tables = new Tables(this, 'Tables', settings);
    this.queues = new Queues(this, 'Queues');
    this.functions = new Functions(this, 'Functions', {
      settings,
      tables: this.tables.byName,
      queues: this.queues.byName,
      appVersion: props.appVersion,
      githubClientId: props.githubClientId,
    });
    connectEventSources({
      functions: this.functions.byName,
      tables: this.tables.byName,
      queues: this.queues.byName,
    });
    this.api = new Api(this, 'Api', { settings, functions: this.functions.byName });
    this.functions.useApiUrl(this.api.url);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    if (this.functions.githubClientSecret) {
      new CfnOutput(this, 'GitHubClientSecretArn', {
        value: this.functions.githubClientSecret.secretArn,
        description: "Put the GitHub OAuth app's client secret here (aws secretsmanager put-secret-value)",
      });
      if (!props.githubClientId) {
        Annotations.of(this).addWarningV2(
          'delinkcious:githubClientId',
          'No GitHub OAuth app: pass -c githubClientId=<client ID>, or GitHub login answers 503.',
        );
      }
    }
  }
}
