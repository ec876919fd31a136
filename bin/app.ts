#!/usr/bin/env node
// The CDK app entry: `npx cdk synth` (dev) or `npx cdk synth -c stage=prod`; GitHub login needs
// `-c githubClientId=<the OAuth app's client ID>`.
import { App } from 'aws-cdk-lib';
import pkg from '../package.json' with { type: 'json' };
import { DelinkciousStack } from '../lib/delinkcious-stack.ts';
import { parseStage } from '../lib/stage.ts';

const app = new App();
const stage = parseStage(app.node.tryGetContext('stage'));
const githubClientId: unknown = app.node.tryGetContext('githubClientId');
new DelinkciousStack(app, `Delinkcious-${stage}`, {
  stage,
  appVersion: pkg.version,
  githubClientId: typeof githubClientId === 'string' && githubClientId !== '' ? githubClientId : undefined,
  description: `Delinkcious social bookmarking (${stage})`,
});
