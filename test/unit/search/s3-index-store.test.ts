import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LinkSearchIndex } from '../../../shared/search/index.ts';
import { parseQuery } from '../../../shared/search/query.ts';
import { S3SearchIndexStore } from '../../../shared/search/s3.ts';
import { aLink } from '../../support/builders.ts';
import { useMockedS3 } from '../support/s3.ts';

const { s3: mocked, client: s3 } = useMockedS3();
const store = new S3SearchIndexStore('indexes-bucket', s3);

/** The one method of a response body the store reads. */
const body = (bytes: Buffer) =>
  ({
    transformToByteArray: () => Promise.resolve(new Uint8Array(bytes)),
  }) as unknown as GetObjectCommandOutput['Body'];

function anIndex(): LinkSearchIndex {
  const index = LinkSearchIndex.empty();
  index.upsert(aLink({ url: 'https://go.dev/', title: 'Effective Go' }), 'goroutines');
  return index;
}

describe('S3SearchIndexStore', () => {
  it('given an index, when saved, then it is one object in its stored form under indexes/<username>.idx', async () => {
    mocked.on(PutObjectCommand).resolves({});

    await store.save('alice', anIndex());

    const input = mocked.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ Bucket: 'indexes-bucket', Key: 'indexes/alice.idx' });
    expect(input.ContentEncoding).toBeUndefined();
    expect(LinkSearchIndex.fromBytes(input.Body as Uint8Array).size).toBe(1);
  });

  it('given a stored index, when loaded, then it searches as saved and carries the ETag', async () => {
    mocked.on(GetObjectCommand).resolves({ Body: body(Buffer.from(anIndex().toBytes())), ETag: '"v1"' });

    const loaded = await store.load('alice');
    if (loaded === 'outdated') throw new Error('an index of the current format was expected');

    expect(loaded?.etag).toBe('"v1"');
    expect(loaded?.index.search(parseQuery('goroutines'), { publicOnly: false })).toEqual([
      'https://go.dev/',
    ]);
  });

  it('given the ETag held, when S3 answers 304, then it is unchanged, and the request was conditional', async () => {
    mocked
      .on(GetObjectCommand)
      .rejects(
        new S3ServiceException({ name: 'NotModified', $fault: 'client', $metadata: { httpStatusCode: 304 } }),
      );

    expect(await store.loadIfChanged('alice', '"v1"')).toBe('unchanged');
    expect(mocked.commandCalls(GetObjectCommand)[0]!.args[0].input.IfNoneMatch).toBe('"v1"');
  });

  it('given no object, when loaded, then there is no index', async () => {
    mocked.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no such key', $metadata: {} }));

    expect(await store.load('alice')).toBeUndefined();
  });

  it('given an index of another format, when loaded, then it is outdated (to be rebuilt)', async () => {
    const older = JSON.stringify({ format: 0, index: {} });
    mocked.on(GetObjectCommand).resolves({ Body: body(gzipSync(older)), ETag: '"v0"' });

    expect(await store.load('alice')).toBe('outdated');
  });
});
