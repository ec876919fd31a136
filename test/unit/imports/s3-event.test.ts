import { describe, expect, it } from 'vitest';
import { importOfObjectKey, s3EventFor, uploadsOfS3Event } from '../../../shared/imports/model.ts';

describe("S3's object-created notification, as the import worker reads it", () => {
  it('given an event as S3 sends it, then the bucket, the URL-decoded key and the size are read', () => {
    const body = JSON.stringify({
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: {
            bucket: { name: 'delinkcious-dev-imports', arn: 'arn:aws:s3:::delinkcious-dev-imports' },
            object: { key: 'imports/j%C3%BCrgen+x/mio5xk2a0f3c9b8e7d6a5b4c3', size: 1234, eTag: 'abc' },
          },
        },
      ],
    });

    expect(uploadsOfS3Event(body)).toEqual([
      { bucket: 'delinkcious-dev-imports', key: 'imports/jürgen x/mio5xk2a0f3c9b8e7d6a5b4c3', size: 1234 },
    ]);
  });

  it("given S3's test event, sent once when a notification is configured, then it names no upload", () => {
    const body = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'b' });

    expect(uploadsOfS3Event(body)).toEqual([]);
  });

  it('given a message without a size, then it is refused rather than read as an empty file', () => {
    const body = JSON.stringify({ Records: [{ s3: { bucket: { name: 'b' }, object: { key: 'k' } } }] });

    expect(() => uploadsOfS3Event(body)).toThrow();
  });

  it('given the message the local runtime sends, then it reads back as the same upload', () => {
    const upload = { bucket: 'delinkcious-imports', key: 'imports/alice/mio5xk2a0f3c9b8e7d6a5b4c3', size: 7 };

    expect(uploadsOfS3Event(s3EventFor(upload, new Date('2026-12-01T10:00:00Z')))).toEqual([upload]);
  });

  it('given object keys, then only imports/<username>/<import id> names an import', () => {
    expect(importOfObjectKey('imports/alice/mio5xk2a0f3c9b8e7d6a5b4c3')).toEqual({
      username: 'alice',
      importId: 'mio5xk2a0f3c9b8e7d6a5b4c3',
    });
    expect(importOfObjectKey('imports/alice/not-an-id')).toBeUndefined();
    expect(importOfObjectKey('exports/alice/mio5xk2a0f3c9b8e7d6a5b4c3')).toBeUndefined();
    expect(importOfObjectKey('imports/a/b/mio5xk2a0f3c9b8e7d6a5b4c3')).toBeUndefined();
  });
});
