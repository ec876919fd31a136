import { Aws, Duration, Validations, aws_s3 as s3 } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { BucketDeclaration } from '../shared/wiring.ts';
import type { StageSettings } from './stage.ts';

/** The longest region name (e.g. ap-southeast-2, us-gov-west-1) and an account ID, which end every name. */
const ACCOUNT_AND_REGION_LENGTH = 1 + 12 + 1 + 14;

/**
 * A bucket's name: `delinkcious-<stage>-<bucket>-<account>-<region>`. Fixed rather than generated, so that the
 * stateless stack names the bucket (and its objects, in the functions' policies) without importing anything
 * from the stateful one, and so that an operator recognizes it; the account and region make it unique.
 */
export function physicalBucketName(stage: string, bucket: string): string {
  const prefix = `delinkcious-${stage}-${bucket.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (!/^[a-z0-9-]+$/.test(prefix) || prefix.length + ACCOUNT_AND_REGION_LENGTH > 63) {
    throw new Error(`The bucket name "${bucket}" is too long or not lower-case letters and digits.`);
  }
  return `${prefix}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/**
 * An S3 bucket as declared: private (all public access blocked, objects owned by the bucket owner, so no ACL
 * can share one), encrypted at rest with S3-managed keys, refusing any request without TLS 1.2 or later, and
 * with the declaration's lifecycle applied to the objects under its prefix, and its CORS rule for browsers (the
 * stage's origins) when it declares one. prod keeps the bucket when the
 * stack goes; dev empties and deletes it, so that `cdk destroy` leaves nothing behind.
 */
export function createBucket(
  scope: Construct,
  id: string,
  bucketName: string,
  declaration: BucketDeclaration,
  settings: StageSettings,
): s3.Bucket {
  const { lifecycle } = declaration;
  const retain = settings.deletionProtection;
  const bucket = new s3.Bucket(scope, id, {
    bucketName,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    lifecycleRules: [
      {
        id: 'objects',
        prefix: declaration.keyPrefix,
        abortIncompleteMultipartUploadAfter: Duration.days(lifecycle.abortIncompleteUploadsAfterDays),
        ...(lifecycle.intelligentTieringAfterDays !== undefined
          ? {
              transitions: [
                {
                  storageClass: s3.StorageClass.INTELLIGENT_TIERING,
                  transitionAfter: Duration.days(lifecycle.intelligentTieringAfterDays),
                },
              ],
            }
          : {}),
        ...(lifecycle.expireAfterDays !== undefined
          ? { expiration: Duration.days(lifecycle.expireAfterDays) }
          : {}),
      },
    ],
    ...(declaration.browserAccess
      ? {
          cors: [
            {
              allowedOrigins: [...settings.cors.allowOrigins],
              allowedMethods: declaration.browserAccess.methods.map((method) => s3.HttpMethods[method]),
              allowedHeaders: [...declaration.browserAccess.headers],
              maxAge: declaration.browserAccess.maxAgeSeconds,
            },
          ],
        }
      : {}),
    removalPolicy: settings.removalPolicy,
    autoDeleteObjects: !retain,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'No server access logs: only the functions reach the objects, with IAM credentials or URLs they ' +
      'presign, and each such call is in their own logs; a log bucket would double the stored objects.',
  });

  return bucket;
}
