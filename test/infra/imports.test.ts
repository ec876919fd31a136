import { describe, expect, it } from 'vitest';
import { buckets } from '../../shared/wiring.ts';
import { flat, resourcesOfType, synthesize, type Statement } from './support.ts';

/** The imports bucket announces each uploaded file to the importUploads queue, as S3 event notifications. */
describe('the notification of uploaded bookmark files', () => {
  const { service, wholeServiceTemplate, logicalId, acrossStacks } = synthesize('dev');
  const queueId = logicalId(service.queues.importUploads);

  it('given the wiring, then S3 notifies the importUploads queue of every object created under imports/', () => {
    const notifications = Object.values(
      resourcesOfType(wholeServiceTemplate, 'Custom::S3BucketNotifications'),
    );

    expect(notifications).toHaveLength(1);
    const properties = notifications[0]!.Properties as {
      BucketName: unknown;
      NotificationConfiguration: { QueueConfigurations: unknown[] };
    };
    expect(flat(properties.BucketName)).toContain('delinkcious-dev-imports-');
    // The queue is in the imports context's nested stack, whose output the service stack reads.
    expect(acrossStacks(properties.NotificationConfiguration.QueueConfigurations)).toEqual([
      {
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: buckets.imports.keyPrefix }] } },
        QueueArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      },
    ]);
  });

  it('given the queue, then its policy lets S3 send to it from the imports bucket alone', () => {
    const policies = Object.values(resourcesOfType(wholeServiceTemplate, 'AWS::SQS::QueuePolicy')).filter(
      (policy) => JSON.stringify(policy.Properties.Queues).includes(queueId),
    );
    const statements = policies.flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const fromS3 = statements.filter((statement) =>
      JSON.stringify(statement.Principal).includes('s3.amazonaws.com'),
    );

    expect(fromS3).toHaveLength(1);
    expect(fromS3[0]!.Effect).toBe('Allow');
    expect(flat(fromS3[0]!.Condition)).toContain('delinkcious-dev-imports-');
  });
});

describe("the browser's upload to the imports bucket", () => {
  it.each(['dev', 'prod'] as const)(
    'given the %s stage, then the imports bucket alone answers CORS, for PUT with a Content-Type from the API origins',
    (stage) => {
      const { dataTemplate } = synthesize(stage);
      const withCors = Object.values(resourcesOfType(dataTemplate, 'AWS::S3::Bucket')).filter(
        (bucket) => bucket.Properties.CorsConfiguration !== undefined,
      );

      expect(withCors).toHaveLength(1);
      expect(flat(withCors[0]!.Properties.BucketName)).toContain(`delinkcious-${stage}-imports-`);
      expect(withCors[0]!.Properties.CorsConfiguration).toEqual({
        CorsRules: [
          {
            AllowedOrigins: ['*'],
            AllowedMethods: ['PUT'],
            AllowedHeaders: ['content-type'],
            MaxAge: buckets.imports.browserAccess.maxAgeSeconds,
          },
        ],
      });
    },
  );
});
