import { GetObjectCommand, type GetObjectCommandOutput, NoSuchKey } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pageTextKey } from '../../../shared/checker/snapshots.ts';
import { SnapshotTextsForSearch } from '../../../shared/checker/texts-for-search.ts';
import { useMockedS3 } from '../support/s3.ts';

const { s3: mocked, client: s3 } = useMockedS3();
const texts = new SnapshotTextsForSearch('snapshots-bucket', s3);
const link = { username: 'alice', url: 'https://go.dev/' };

describe('SnapshotTextsForSearch: the page texts as search reads them', () => {
  it("given a page text kept beside the link's snapshots, when read, then it is the text, inflated", async () => {
    const bytes = gzipSync('Goroutines and channels');
    mocked.on(GetObjectCommand).resolves({
      Body: {
        transformToByteArray: () => Promise.resolve(new Uint8Array(bytes)),
      } as unknown as GetObjectCommandOutput['Body'],
    });

    expect(await texts.textOf(link.username, link.url)).toBe('Goroutines and channels');
    expect(mocked.commandCalls(GetObjectCommand)[0]!.args[0].input.Key).toBe(pageTextKey(link));
    expect(pageTextKey(link)).toMatch(/^snapshots\/alice\/text\/[\w-]{43}\.txt\.gz$/);
  });

  it('given no text (not checked yet, or not HTML), when read, then it is empty', async () => {
    mocked.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no such key', $metadata: {} }));

    expect(await texts.textOf(link.username, link.url)).toBe('');
  });
});
