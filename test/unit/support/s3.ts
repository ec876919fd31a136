import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach } from 'vitest';
import { ObjectClient } from '../../../shared/aws/s3.ts';

/**
 * A mocked S3 for a bucket adapter's unit tests: `s3` answers every call (reset before each test, restored after
 * the file), `client` is the client to hand the adapter. It has a region, an endpoint and credentials, so that
 * presigned URLs can be made and read back.
 */
export function useMockedS3() {
  const s3 = mockClient(S3Client);
  beforeEach(() => s3.reset());
  afterAll(() => s3.restore());
  return {
    s3,
    client: new ObjectClient({
      region: 'eu-west-1',
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      credentials: { accessKeyId: 'AKIAUNITTEST', secretAccessKey: 'unit-test-secret' },
    }),
  };
}
