#!/usr/bin/env node
// The CDK app entry: `npx cdk synth` (dev) or `npx cdk synth -c stage=prod`; options in the README
// (githubClientId, alarmEmail, corsOrigins).
import { App } from 'aws-cdk-lib';
import pkg from '../package.json' with { type: 'json' };
import { checkWithNag, defineDelinkcious, optionsFromContext } from '../lib/app.ts';

const app = new App();
defineDelinkcious(app, optionsFromContext(app, pkg.version));
checkWithNag(app);
