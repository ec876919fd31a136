import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { synthesize } from './support.ts';

/** Every acknowledgment of a cdk-nag finding in an app: where, which rule, and why. */
function acknowledgments(app: ReturnType<typeof synthesize>['app']) {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          rule: id.replace(/^Annotation::/, ''),
          reason,
        })),
      ),
  );
}

/** CDK's handler that copies the built web client into its bucket while deploying. */
function isDeploymentHandler(path: string): boolean {
  return /\/Custom::CDKBucketDeployment[0-9A-F]+$/.test(path);
}

describe("cdk-nag's AwsSolutions rules", () => {
  it.each(['dev', 'prod'] as const)('find nothing unacknowledged in %s', (stage) => {
    const report = new AwsSolutionsChecks().validateScope(synthesize(stage).app);

    expect(
      report.violations.map(
        (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it.each(['dev', 'prod'] as const)(
    'are acknowledged in %s only with a reason, next to the resource',
    (stage) => {
      const all = acknowledgments(synthesize(stage).app);

      expect(all.length).toBeGreaterThan(0);
      for (const { path, rule, reason } of all) {
        expect(rule, path).toMatch(/^AwsSolutions-[A-Z0-9]+(\[.+\])?$/);
        expect(reason.length, `${rule} at ${path}`).toBeGreaterThanOrEqual(60);
        expect(path.split('/').length, `${rule} acknowledged for a whole stack`).toBeGreaterThan(1);
      }
    },
  );

  it('are acknowledged for these rules only, so that a new one is a visible change', () => {
    const rules = new Set(acknowledgments(synthesize('dev').app).map((a) => a.rule.replace(/\[.*$/, '')));

    expect([...rules].sort()).toEqual(
      [
        'AwsSolutions-APIG4', // the functions authenticate with the API's own tokens
        'AwsSolutions-CFR1', // no geographic restriction
        'AwsSolutions-CFR4', // the default cloudfront.net certificate, without a custom domain
        'AwsSolutions-IAM4', // CDK's bucket-notifications and bucket-deployment handlers log with the managed policy
        'AwsSolutions-L1', // CDK's bucket-deployment handler has the runtime CDK chooses
        'AwsSolutions-IAM5', // X-Ray and ListStreams, and objects under a bucket's prefix
        'AwsSolutions-S1', // no server access logs
        'AwsSolutions-SMG4', // secrets that Secrets Manager cannot rotate
        'AwsSolutions-SQS3', // the streams' failure queue
      ].sort(),
    );
  });

  it('are each needed: without its acknowledgments, a rule reports findings again', () => {
    const { app } = synthesize('dev');
    const entries = app.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY),
      )
      .map((entry) => entry.data as Record<string, string>);
    const rules = new Set(entries.flatMap((data) => Object.keys(data).map((id) => id.replace(/\[.*$/, ''))));

    for (const rule of rules) {
      // The metadata entries are shared with the construct tree: take this rule's out, check, put them back.
      const removed = entries.flatMap((data) =>
        Object.keys(data)
          .filter((id) => id.replace(/\[.*$/, '') === rule)
          .map((id) => {
            const reason = data[id]!;
            delete data[id];
            return () => (data[id] = reason);
          }),
      );
      try {
        const report = new AwsSolutionsChecks().validateScope(app);
        const ruleName = rule.replace(/^Annotation::/, '');
        expect(report.violations.filter((v) => v.ruleName.startsWith(ruleName)).length, rule).toBeGreaterThan(
          0,
        );
      } finally {
        removed.forEach((restore) => restore());
      }
    }
  });

  it('acknowledge wildcard resources only for X-Ray, ListStreams and bucket prefixes', () => {
    const wildcards = acknowledgments(synthesize('dev').app)
      .filter((a) => a.rule.startsWith('AwsSolutions-IAM5') && !isDeploymentHandler(a.path))
      .map((a) => a.rule);

    for (const rule of wildcards) {
      expect(rule).toMatch(
        /^AwsSolutions-IAM5\[Resource::(\*|arn:<AWS::Partition>:s3:::delinkcious-[^\]]+\/\*)\]$/,
      );
    }
  });

  it("acknowledge the deployment handler's wildcards only for the asset bucket, the client's bucket and invalidations", () => {
    const { service, logicalId } = synthesize('dev');
    const handler = acknowledgments(synthesize('dev').app).filter(
      (a) => isDeploymentHandler(a.path) && a.rule.startsWith('AwsSolutions-IAM5[Resource::'),
    );

    expect(handler.map((a) => a.rule).sort()).toEqual(
      [
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        `AwsSolutions-IAM5[Resource::<${logicalId(service.delivery.bucket)}.Arn>/*]`,
      ].sort(),
    );
  });
});
