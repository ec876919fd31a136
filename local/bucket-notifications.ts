import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { s3EventFor } from '../shared/imports/model.ts';
import { buckets, type BucketName, type QueueName } from '../shared/wiring.ts';
import { LOCAL_AWS_AS_FUNCTIONS } from './engines.ts';

/**
 * S3's event notifications, for the local runtime. The emulator (fauxqs) keeps objects but sends no bucket
 * notifications, so the runtime watches every bucket that declares `notifyCreatedTo`: it lists the bucket's
 * prefix every POLL_MS and sends the queue the same message S3 would (`ObjectCreated:Put`, with the bucket, the
 * key and the size) for each object it has not announced yet, or whose ETag changed (written again). Objects
 * present at start are announced too: the consumer ignores what it already handled. At-least-once, like S3's.
 */
export interface BucketNotifications {
  stop(): Promise<void>;
}

const POLL_MS = 200;

export function startBucketNotifications(env: {
  queuesEndpoint: string;
  bucketNames: Record<BucketName, string>;
  queueUrls: Record<QueueName, string>;
  pollMs?: number;
}): BucketNotifications {
  // Polling in the functions' process, it signs as they do.
  const s3 = new S3Client({ ...LOCAL_AWS_AS_FUNCTIONS, endpoint: env.queuesEndpoint, forcePathStyle: true });
  const sqs = new SQSClient({ ...LOCAL_AWS_AS_FUNCTIONS, endpoint: env.queuesEndpoint });
  const state = { stopped: false, wake: () => {} };
  const watched = (Object.keys(buckets) as BucketName[]).flatMap((name) => {
    const declaration = buckets[name];
    return 'notifyCreatedTo' in declaration
      ? [{ bucket: env.bucketNames[name], prefix: declaration.keyPrefix, queue: declaration.notifyCreatedTo }]
      : [];
  });
  const announced = new Map<string, string>();

  const pollOnce = async () => {
    for (const { bucket, prefix, queue } of watched) {
      const present = new Set<string>();
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          if (!object.Key) continue;
          const id = `${bucket}/${object.Key}`;
          present.add(id);
          const etag = object.ETag ?? '';
          if (announced.get(id) === etag) continue;
          const message = s3EventFor({ bucket, key: object.Key, size: object.Size ?? 0 }, new Date());
          await sqs.send(new SendMessageCommand({ QueueUrl: env.queueUrls[queue], MessageBody: message }));
          announced.set(id, etag);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      for (const id of announced.keys())
        if (id.startsWith(`${bucket}/`) && !present.has(id)) announced.delete(id);
    }
  };

  const loop = (async () => {
    while (!state.stopped) {
      try {
        await pollOnce();
      } catch (error) {
        if (!state.stopped) console.warn('bucket notifications: listing failed, trying again', error);
      }
      await new Promise<void>((done) => {
        const timer = setTimeout(done, env.pollMs ?? POLL_MS);
        state.wake = () => {
          clearTimeout(timer);
          done();
        };
      });
    }
  })();

  return {
    async stop() {
      state.stopped = true;
      state.wake();
      await loop;
      s3.destroy();
      sqs.destroy();
    },
  };
}
