import { Validations, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { deployedFunctionNames, functions, type FunctionDeclaration } from '../shared/wiring.ts';
import type { StageSettings } from './stage.ts';

/**
 * The secrets, in the stateful stack: the GitHub client secret is put there by the operator and must survive a
 * redeploy of the service, and the page-token key encrypts tokens that clients hold. Each exists only if a
 * deployed function declares it, and only those functions may read it (lib/functions.ts).
 */
export class Secrets extends Construct {
  /** The secret that pagination tokens are encrypted with. */
  readonly pageTokenSecret: secretsmanager.Secret | undefined;
  /**
   * The GitHub OAuth app's client secret. Its generated value is a placeholder: the operator puts the real one
   * (`aws secretsmanager put-secret-value`, see the README), and GitHub login answers 503 until then.
   */
  readonly githubClientSecret: secretsmanager.Secret | undefined;

  constructor(scope: Construct, id: string, settings: StageSettings) {
    super(scope, id);
    const declared = deployedFunctionNames().map((name) => functions[name] as FunctionDeclaration);

    this.pageTokenSecret = declared.some((d) => d.pageTokens)
      ? new secretsmanager.Secret(this, 'PageTokenSecret', {
          description: 'Signs pagination tokens so that clients cannot forge or alter them.',
          generateSecretString: { passwordLength: 64, excludePunctuation: true },
          removalPolicy: settings.removalPolicy,
        })
      : undefined;
    if (this.pageTokenSecret) {
      Validations.of(this.pageTokenSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'A signing key for pagination tokens, never shown to anyone: rotating it would take a rotation ' +
          'function and would only invalidate the page tokens that clients hold.',
      });
    }

    this.githubClientSecret = declared.some((d) => d.githubSecret)
      ? new secretsmanager.Secret(this, 'GitHubClientSecret', {
          description: "The GitHub OAuth app's client secret: replace the generated placeholder with it.",
          removalPolicy: settings.removalPolicy,
        })
      : undefined;
    if (this.githubClientSecret) {
      Validations.of(this.githubClientSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          "GitHub issues the OAuth app's client secret; only its owner can make a new one, in GitHub's " +
          'settings, so Secrets Manager has nothing it could rotate it with.',
      });
    }
  }
}
