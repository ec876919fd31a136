import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBucketNotifications } from '../../local/bucket-notifications.ts';
import { LOCAL_AWS } from '../../local/engines.ts';
import type { Runtime } from '../../local/runtime.ts';
import { documentClient } from '../../shared/aws/dynamodb.ts';
import { DEFAULT_RUN_SETTINGS, ImportRunner, Imports } from '../../shared/imports/core.ts';
import { DynamoImportStore } from '../../shared/imports/dynamodb.ts';
import { ImportsErasure } from '../../shared/imports/service.ts';
import { uploadsOfS3Event, type UploadedObject } from '../../shared/imports/model.ts';
import { S3UploadedFiles } from '../../shared/imports/s3.ts';
import { SqsImportContinuations } from '../../shared/imports/sqs.ts';
import { LinksForImport } from '../../shared/links/for-import.ts';
import { countersKey } from '../../shared/links/table.ts';
import { buckets, type BucketName } from '../../shared/wiring.ts';
import { aNetscapeFile } from '../support/builders.ts';
import { startTestRuntime } from '../support/runtime.ts';

/**
 * The import pipeline on the local engines, without the runtime's pollers: the upload through the presigned URL,
 * the runtime's stand-in for S3's notification, and the worker's adapters (imports table, bucket, links table)
 * through a crash and a redelivery.
 */
let runtime: Runtime;
let sqs: SQSClient;
beforeAll(async () => {
  runtime = await startTestRuntime({ pollers: false });
  sqs = new SQSClient({ ...LOCAL_AWS, endpoint: runtime.queuesEndpoint });
});
afterAll(async () => {
  sqs?.destroy();
  await runtime?.stop();
});

const PLENTY_OF_TIME = () => 600_000;
const SETTINGS = { ...DEFAULT_RUN_SETTINGS, chunkSize: 25, maxLinksPerUser: 1000 };

async function uploaded(username: string, file: string): Promise<{ id: string; upload: UploadedObject }> {
  const requests = new Imports(new DynamoImportStore(), new S3UploadedFiles(), () =>
    randomBytes(8).toString('hex'),
  );
  const started = await requests.start(username, undefined);
  const put = await fetch(started.uploadUrl, { method: 'PUT', body: file });
  expect(put.status).toBe(200);
  const key = `imports/${username}/${started.record.import_id}`;
  return {
    id: started.record.import_id,
    upload: { bucket: process.env.IMPORTS_BUCKET!, key, size: Buffer.byteLength(file) },
  };
}

const bookmarks = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ url: `https://example.com/${i}`, addDate: 1_700_000_000 + i }));

describe('an uploaded bookmark file on the local engines', () => {
  it("given a file PUT to the presigned URL, when the runtime sees it, then S3's event for it arrives on the uploads queue", async () => {
    const { upload } = await uploaded('erin', aNetscapeFile(bookmarks(2)));
    const bucketNames = Object.fromEntries(
      (Object.keys(buckets) as BucketName[]).map((name) => [name, process.env[buckets[name].envVar]!]),
    ) as Record<BucketName, string>;
    const notifications = startBucketNotifications({
      queuesEndpoint: runtime.queuesEndpoint,
      bucketNames,
      queueUrls: runtime.queueUrls,
      pollMs: 50,
    });
    try {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: runtime.queueUrls.importUploads,
          WaitTimeSeconds: 5,
          MaxNumberOfMessages: 10,
        }),
      );
      const uploads = (received.Messages ?? []).flatMap((message) => uploadsOfS3Event(message.Body!));
      expect(uploads).toContainEqual(upload);
    } finally {
      await notifications.stop();
    }
  });

  it('given a worker that crashes halfway, when the notification comes again, then the import ends as an uninterrupted one would', async () => {
    const links = new LinksForImport();
    let calls = 0;
    const crashing = {
      addAll: async (...args: Parameters<LinksForImport['addAll']>) => {
        const outcomes = await links.addAll(...args);
        if (++calls === 3) throw new Error('the worker crashed');
        return outcomes;
      },
    };
    const file = aNetscapeFile([...bookmarks(120), { url: 'https://example.com/7' }, { url: 'ftp://no/' }]);
    const { id, upload } = await uploaded('frank', file);
    const store = new DynamoImportStore();
    const files = new S3UploadedFiles();
    const continuations = new SqsImportContinuations();
    const runnerWith = (port: typeof crashing) =>
      new ImportRunner(store, files, port, continuations, SETTINGS);

    await expect(runnerWith(crashing).run(upload, '{}', PLENTY_OF_TIME)).rejects.toThrow('crashed');
    const halfway = await store.get('frank', id);
    expect(halfway).toMatchObject({ status: 'running', checkpoint: 50, imported: 50 });

    const outcome = await runnerWith(links).run(upload, '{}', PLENTY_OF_TIME);

    expect(outcome).toBe('finished');
    expect(await store.get('frank', id)).toMatchObject({
      status: 'done',
      total: 122,
      imported: 120,
      skipped_duplicates: 1,
      error_count: 1,
      checkpoint: 122,
    });
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: runtime.tableNames.links, Key: countersKey('frank') }),
    );
    expect(Item).toMatchObject({ links_count: 120, public_links_count: 0 });
    expect(await files.read(upload.key, 1024)).toBeUndefined();
  });

  it('given room for 10 more links, when 30 arrive, then exactly 10 are added and the rest are errors', async () => {
    const { id, upload } = await uploaded('gina', aNetscapeFile(bookmarks(30)));
    const runner = new ImportRunner(
      new DynamoImportStore(),
      new S3UploadedFiles(),
      new LinksForImport(),
      new SqsImportContinuations(),
      { ...SETTINGS, maxLinksPerUser: 10 },
    );

    await runner.run(upload, '{}', PLENTY_OF_TIME);

    const record = await new DynamoImportStore().get('gina', id);
    expect(record).toMatchObject({ status: 'done', imported: 10, error_count: 20 });
    expect(record!.errors[0]).toMatchObject({ line: 14, url: 'https://example.com/10' });
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: runtime.tableNames.links, Key: countersKey('gina') }),
    );
    expect(Item).toMatchObject({ links_count: 10 });
  });

  it("given a user's imports and an uploaded file, when the user is erased, then their records and files are gone and others' stay", async () => {
    const mine = await uploaded('hana', aNetscapeFile(bookmarks(1)));
    const theirs = await uploaded('ivan', aNetscapeFile(bookmarks(1)));
    const store = new DynamoImportStore();
    const files = new S3UploadedFiles();

    const erasure = new ImportsErasure(store, files);
    while (!(await erasure.eraseChunk('hana')).done);

    expect(await store.newestFirst('hana', 10)).toEqual([]);
    expect(await files.read(mine.upload.key, 1024)).toBeUndefined();
    expect(await store.get('ivan', theirs.id)).toBeDefined();
    expect(await files.read(theirs.upload.key, 1024)).toBeInstanceOf(Uint8Array);
  });
});
