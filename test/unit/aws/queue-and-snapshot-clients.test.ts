import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { QueueClient } from '../../../shared/aws/sqs.ts';
import { ObjectClient, presignedUrlOrigin } from '../../../shared/aws/s3.ts';
import { S3UploadedFiles } from '../../../shared/imports/s3.ts';
import { Unavailable } from '../../../shared/errors.ts';

const sqs = mockClient(SQSClient);
const s3 = mockClient(S3Client);
beforeEach(() => {
  sqs.reset();
  s3.reset();
});
afterAll(() => {
  sqs.restore();
  s3.restore();
});

const queue = new QueueClient({ region: 'us-east-1' });
const objects = new ObjectClient({ region: 'us-east-1' });
const send = new SendMessageCommand({ QueueUrl: 'https://sqs/feeds', MessageBody: '{}' });
const read = new GetObjectCommand({ Bucket: 'snapshots', Key: 'a' });

const awsError = (name: string, fault: 'client' | 'server') =>
  Object.assign(new Error(name), { name, $fault: fault });

describe('QueueClient and ObjectClient: outages become Unavailable, like the DocumentClient', () => {
  it.each([
    ['RequestThrottled', 'client'],
    ['ThrottlingException', 'client'],
    ['InternalError', 'server'],
  ] as const)(
    'given SQS answers %s after the SDK retries, when sent, then Unavailable',
    async (name, fault) => {
      sqs.on(SendMessageCommand).rejects(awsError(name, fault));

      await expect(queue.send(send)).rejects.toBeInstanceOf(Unavailable);
    },
  );

  it('given S3 answers SlowDown after the SDK retries, when read, then Unavailable', async () => {
    s3.on(GetObjectCommand).rejects(awsError('SlowDown', 'server'));

    await expect(objects.send(read)).rejects.toBeInstanceOf(Unavailable);
  });

  it('given S3 has no such object, when read, then NoSuchKey arrives untranslated', async () => {
    const missing = new NoSuchKey({ message: 'no such key', $metadata: {} });
    s3.on(GetObjectCommand).rejects(missing);

    await expect(objects.send(read)).rejects.toBe(missing);
  });
});

describe('the origin of presigned URLs', () => {
  it.each([
    [{ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566', S3_FORCE_PATH_STYLE: 'true' }, 'http://127.0.0.1:4566'],
    [{ AWS_ENDPOINT_URL_S3: 'https://s3.example:9000' }, 'https://uploads.s3.example:9000'],
    [{ AWS_REGION: 'eu-west-1' }, 'https://uploads.s3.eu-west-1.amazonaws.com'],
  ])('given %o, then presigned URLs of the bucket "uploads" come from %s', (env, origin) => {
    expect(presignedUrlOrigin('uploads', env)).toBe(origin);
  });

  it.each([
    [{ AWS_REGION: 'eu-west-1' }, {}],
    [{ S3_FORCE_PATH_STYLE: 'true' }, { endpoint: 'http://127.0.0.1:4566', forcePathStyle: true }],
  ])('given %o, then it is the origin of the upload URLs the SDK presigns', async (env, config) => {
    const client = new ObjectClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      ...config,
    });
    const files = new S3UploadedFiles('uploads', client);

    const url = new URL(await files.uploadUrl('imports/alice/1', 60));

    const endpoint = 'endpoint' in config ? { AWS_ENDPOINT_URL_S3: config.endpoint } : {};
    expect(url.origin).toBe(presignedUrlOrigin('uploads', { ...env, ...endpoint }));
  });
});
