import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Sha256 } from '../../../shared/aws/sha256.ts';
import { sdkClientConfig } from '../../../shared/aws/transport.ts';

type Chunk = string | Uint8Array | ArrayBuffer;

const bytes = fc.uint8Array({ maxLength: 80 });
/** Data as the SDK hands it over: strings, byte arrays, views into a larger buffer, bare ArrayBuffers. */
const chunk: fc.Arbitrary<Chunk> = fc.oneof(
  fc.string({ maxLength: 80 }),
  bytes,
  bytes.map((b) => new Uint8Array([7, 7, ...b, 7]).subarray(2, 2 + b.length)),
  bytes.map((b) => b.slice().buffer),
);
const secret = fc.option(fc.oneof(fc.string({ maxLength: 40 }), bytes), { nil: undefined });

const asBuffer = (data: Chunk) =>
  typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data as Uint8Array);

/** What Node computes from the same bytes, with raw keys: the reference. */
function reference(key: string | Uint8Array | undefined, chunks: Chunk[]): string {
  const hash = key ? createHmac('sha256', asBuffer(key)) : createHash('sha256');
  for (const data of chunks) hash.update(asBuffer(data));
  return hash.digest('hex');
}

async function digestOf(key: string | Uint8Array | undefined, chunks: Chunk[]): Promise<string> {
  const hash = new Sha256(key);
  for (const data of chunks) hash.update(data);
  return Buffer.from(await hash.digest()).toString('hex');
}

describe('Sha256: the hash that signs the functions’ AWS requests', () => {
  it('given any secret or none and any data in any form, then its digest is SHA-256 or HMAC-SHA-256 of the bytes', async () => {
    await fc.assert(
      fc.asyncProperty(secret, fc.array(chunk, { maxLength: 5 }), async (key, chunks) => {
        expect(await digestOf(key, chunks)).toBe(reference(key, chunks));
      }),
      { numRuns: 300 },
    );
  });

  it('given a plain hash digested, when more data comes, then the next digest covers all of it (a streamed body)', async () => {
    const hash = new Sha256();
    hash.update('first ');
    await hash.digest();
    hash.update('second');

    expect(Buffer.from(await hash.digest()).toString('hex')).toBe(reference(undefined, ['first second']));
  });

  it('given an HMAC digested, when more data comes, then it refuses; after a reset it starts again', async () => {
    const hmac = new Sha256(new Uint8Array([1, 2, 3]));
    hmac.update('one');
    await hmac.digest();

    expect(() => hmac.update('two')).toThrow(/finished/);
    hmac.reset();
    hmac.update('two');
    expect(Buffer.from(await hmac.digest()).toString('hex')).toBe(
      reference(new Uint8Array([1, 2, 3]), ['two']),
    );
  });
});

/** AWS's documented example credentials. */
const EXAMPLE_CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

describe('the functions’ clients sign with it (test/unit/aws/sdk-logger.test.ts), and their signatures are the SDK’s own', () => {
  afterEach(() => vi.useRealTimers());

  /** The Authorization header of a GetItem, as signed by a client of `config`, at a fixed instant. */
  async function authorizationOf(config: object): Promise<string> {
    let authorization = '';
    const client = new DynamoDBClient({
      ...config,
      region: 'eu-west-1',
      credentials: {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      },
      requestHandler: {
        handle: async (request: { headers: Record<string, string> }) => {
          authorization = request.headers['authorization']!;
          return {
            response: {
              statusCode: 200,
              headers: { 'content-type': 'application/x-amz-json-1.0' },
              body: Readable.from([Buffer.from('{}')]),
            },
          };
        },
      },
    });
    // The retry middleware gives every call a random id, which is signed: held to one value for the comparison.
    type Args = { request: { headers: Record<string, string> } };
    const sameInvocationId = (next: (args: Args) => unknown) => (args: Args) => {
      args.request.headers['amz-sdk-invocation-id'] = 'one-invocation';
      return next(args);
    };
    client.middlewareStack.addRelativeTo(sameInvocationId as never, {
      relation: 'after',
      toMiddleware: 'retryMiddleware',
      name: 'sameInvocationId',
    });
    await client.send(new GetItemCommand({ TableName: 'links', Key: { pk: { S: 'USER#alice' } } }));
    return authorization;
  }

  it('given the same request at the same instant, then the signature equals the default client’s', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-12-04T10:00:00Z') });

    const ours = await authorizationOf({ sha256: sdkClientConfig().sha256 });
    const sdks = await authorizationOf({});

    expect(ours).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261204\/eu-west-1\/dynamodb\/.*Signature=[0-9a-f]{64}$/,
    );
    expect(ours).toBe(sdks);
  });

  it('given an S3 download presigned at the same instant, then its URL equals the default client’s', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-12-04T10:00:00Z') });
    const presigned = (config: object) =>
      getSignedUrl(
        new S3Client({ ...config, region: 'eu-west-1', credentials: EXAMPLE_CREDENTIALS }),
        new GetObjectCommand({ Bucket: 'delinkcious-exports', Key: 'exports/alice/links.json' }),
        { expiresIn: 900 },
      );

    const ours = await presigned({ sha256: sdkClientConfig().sha256 });

    expect(ours).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
    expect(ours).toBe(await presigned({}));
  });
});
