import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DataStack } from './data-stack.ts';
import { ServiceStack } from './service-stack.ts';
import {
  parseCorsOrigins,
  parseSiteDomain,
  parseStage,
  stageSettings,
  type SiteDomain,
  type Stage,
} from './stage.ts';

const CROSS_STACK_REFERENCES = '@aws-cdk/core:defaultCrossStackReferences';

interface DelinkciousOptions {
  stage: Stage;
  /** Reported by GET /healthz. */
  appVersion: string;
  /** The GitHub OAuth app's client ID; without it, GitHub login answers 503. */
  githubClientId?: string;
  /** Subscribed to the alarm topic. */
  alarmEmail?: string;
  /** Narrows CORS to these origins (default: any origin; see lib/stage.ts). */
  corsOrigins?: string[];
  /** The site's own domain with its ACM certificate (us-east-1); default: the distribution's domain. */
  siteDomain?: SiteDomain;
}

export interface Delinkcious {
  data: DataStack;
  service: ServiceStack;
}

/**
 * The two stacks of a stage: `Delinkcious-<stage>-Data` (stateful: tables, buckets, secrets) and
 * `Delinkcious-<stage>-Service` (stateless: queues, functions, API, alarms), which depends on the first.
 * No `env`: the stacks synthesize offline, without credentials or lookups, and deploy to whichever account the
 * CLI is pointed at, in us-east-1 (the service stack refuses another region: see lib/service-stack.ts).
 */
export function defineDelinkcious(app: App, options: DelinkciousOptions): Delinkcious {
  // The service stack imports the tables' names and ARNs and the secrets' ARNs as CloudFormation exports, which
  // CloudFormation protects: the data stack cannot drop an export while the service stack still uses it.
  if (app.node.tryGetContext(CROSS_STACK_REFERENCES) === undefined) {
    app.node.setContext(CROSS_STACK_REFERENCES, 'strong');
  }
  const settings = stageSettings(options.stage, { corsOrigins: options.corsOrigins });
  const prefix = `Delinkcious-${options.stage}`;
  const data = new DataStack(app, `${prefix}-Data`, {
    settings,
    description: `Delinkcious social bookmarking (${options.stage}): tables, buckets and secrets`,
  });
  const service = new ServiceStack(app, `${prefix}-Service`, {
    settings,
    data,
    appVersion: options.appVersion,
    githubClientId: options.githubClientId,
    alarmEmail: options.alarmEmail,
    siteDomain: options.siteDomain,
    description: `Delinkcious social bookmarking (${options.stage}): site, API, functions, queues and alarms`,
  });
  return { data, service };
}

/** Reads the options from the CDK context (`-c stage=prod -c githubClientId=...`). */
export function optionsFromContext(app: App, appVersion: string): DelinkciousOptions {
  const text = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return {
    stage: parseStage(app.node.tryGetContext('stage')),
    appVersion,
    githubClientId: text('githubClientId'),
    alarmEmail: text('alarmEmail'),
    corsOrigins: parseCorsOrigins(text('corsOrigins')),
    siteDomain: parseSiteDomain(text('domainName'), text('certificateArn')),
  };
}

/**
 * cdk-nag's AwsSolutions rules, run on every synthesis: a finding without an acknowledgment (each one with its
 * reason, next to the resource it concerns) stops `cdk synth` and `cdk deploy`.
 */
export function checkWithNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}
