import { App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DelinkciousStack } from '../../lib/delinkcious-stack.ts';
import { parseStage } from '../../lib/stage.ts';
import { synthesize } from './support.ts';

describe('choosing the stage from the CDK context', () => {
  it('defaults to dev when no stage is given', () => {
    expect(parseStage(undefined)).toBe('dev');
  });

  it('accepts dev and prod', () => {
    expect(parseStage('dev')).toBe('dev');
    expect(parseStage('prod')).toBe('prod');
  });

  it('rejects any other stage with a message naming the choices', () => {
    expect(() => parseStage('staging')).toThrow(/Unknown stage "staging".*stage=dev.*stage=prod/);
  });
});

describe('synthesizing each stage', () => {
  it.each(['dev', 'prod'] as const)('gives %s no CDK warnings or errors', (stage) => {
    const annotations = Annotations.fromStack(synthesize(stage).stack);

    annotations.hasNoWarning('*', Match.anyValue());
    annotations.hasNoError('*', Match.anyValue());
  });

  it('warns that GitHub login is off when no client ID is given', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new DelinkciousStack(app, 'Delinkcious-dev', { stage: 'dev', appVersion: '0.0.0' });

    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('githubClientId'));
  });
});
