import {
  DeleteObjectsCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  NoSuchKey,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { importObjectKey } from '../../../shared/imports/model.ts';
import { S3UploadedFiles } from '../../../shared/imports/s3.ts';
import { useMockedS3 } from '../support/s3.ts';

const { s3: mocked, client: s3 } = useMockedS3();

const BUCKET = 'imports-bucket';
const files = () => new S3UploadedFiles(BUCKET, s3);
const KEY = importObjectKey('alice', 'mhg6wqm0s0123456789abcdef');
afterEach(() => vi.unstubAllEnvs());

/** An object body arriving in chunks of `chunkSize` bytes (the adapter reads it as an async iterable). */
function bodyOf(bytes: number, chunkSize: number) {
  const chunks = Array.from({ length: Math.ceil(bytes / chunkSize) }, (_, i) =>
    Buffer.alloc(Math.min(chunkSize, bytes - i * chunkSize), 'a'),
  );
  return Readable.from(chunks) as unknown as GetObjectCommandOutput['Body'];
}

describe('S3UploadedFiles: bookmark files uploaded to the imports bucket', () => {
  it('given a key, when an upload URL is made, then it is a presigned PUT of that key for the time asked', async () => {
    const url = new URL(await files().uploadUrl(KEY, 900));

    expect(url.pathname).toContain(KEY);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
  });

  it("given the import store's own client, when an upload URL is made, then it carries no checksum for S3 to hold the file to", async () => {
    // Made before the file exists, a checksum in the URL could only be that of an empty body.
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAUNITTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'unit-test-secret');
    const url = new URL(await new S3UploadedFiles(BUCKET).uploadUrl(KEY, 900));

    const signed = [...url.searchParams.keys()].map((name) => name.toLowerCase());
    expect(signed).toContain('x-amz-signature');
    expect(signed.filter((name) => name.includes('checksum'))).toEqual([]);
  });

  it('given a file within the limit, when read, then all its bytes', async () => {
    mocked.on(GetObjectCommand).resolves({ Body: bodyOf(2500, 1000) });

    const read = await files().read(KEY, 3000);

    expect(read).toBeInstanceOf(Uint8Array);
    expect((read as Uint8Array).byteLength).toBe(2500);
  });

  it('given a file over the limit, when read, then tooLarge', async () => {
    mocked.on(GetObjectCommand).resolves({ Body: bodyOf(5000, 1000) });

    expect(await files().read(KEY, 3000)).toBe('tooLarge');
  });

  it('given no such object, when read, then undefined rather than an error', async () => {
    mocked.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));

    expect(await files().read(KEY, 3000)).toBeUndefined();
  });

  it("given a user's uploads, when erased a chunk at a time, then only their prefix is listed and deleted, until nothing is left", async () => {
    mocked
      .on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: KEY }], IsTruncated: true })
      .resolves({ Contents: [], IsTruncated: false });
    mocked.on(DeleteObjectsCommand).resolves({});

    expect(await files().deleteChunkOf('alice')).toBe(false);
    expect(await files().deleteChunkOf('alice')).toBe(true);

    expect(mocked.commandCalls(ListObjectsV2Command)[0]!.args[0].input.Prefix).toBe('imports/alice/');
    const deletes = mocked.commandCalls(DeleteObjectsCommand);
    expect(deletes).toHaveLength(1);
    expect(deletes[0]!.args[0].input.Delete!.Objects).toEqual([{ Key: KEY }]);
  });

  it('given S3 refuses to delete a key, when erased, then an error, so the erasure tries again', async () => {
    mocked.on(ListObjectsV2Command).resolves({ Contents: [{ Key: KEY }], IsTruncated: false });
    mocked.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: KEY, Code: 'AccessDenied' }] });

    await expect(files().deleteChunkOf('alice')).rejects.toThrow(/AccessDenied/);
  });
});
