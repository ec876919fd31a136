import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { QueueClient } from '../../../shared/aws/sqs.ts';
import { ObjectClient } from '../../../shared/aws/s3.ts';
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
