import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { translatingSend } from './errors.ts';
import { sdkClientConfig, withoutSdkLogger } from './transport.ts';

/**
 * The S3 client every bucket adapter takes (snapshots, exports, imports): its failures arrive as domain errors
 * (see shared/aws/errors.ts), named after the store that uses it.
 */
export class ObjectClient extends S3Client {
  /** Sets the type apart, so that a store cannot be given a client that leaves its errors untranslated. */
  readonly translatesAwsErrors = true;

  constructor(config: S3ClientConfig = {}, store = 'The object store') {
    super({ ...sdkClientConfig(), ...config });
    withoutSdkLogger(this);
    // Assigned rather than declared as an override: the inherited `send` has callback overloads not needed here.
    const send = translatingSend((command, options) => super.send(command, options), store);
    this.send = send as S3Client['send'];
  }
}

const clients = new Map<string, ObjectClient>();
const clientObservers = new Set<(client: ObjectClient) => void>();

/**
 * Calls `observer` with every store's client, those made already and those made later (a benchmark adds its
 * metering middleware to each); returns what stops it for clients made later.
 */
export function onEachObjectClient(observer: (client: ObjectClient) => void): () => void {
  clients.forEach((client) => observer(client));
  clientObservers.add(observer);
  return () => clientObservers.delete(observer);
}

/**
 * One S3 client per store and process. The endpoint comes from the SDK's own `AWS_ENDPOINT_URL_S3`; path-style
 * URLs (`<endpoint>/<bucket>/<key>`) when `S3_FORCE_PATH_STYLE=true`, which the local runtime sets for the
 * emulator (whose virtual-hosted names would not resolve). Presigned URLs follow the same settings, so locally
 * they point at the emulator. `checksums` is the client's `requestChecksumCalculation` (see the import store).
 */
export function objectClient(
  store: string,
  checksums: S3ClientConfig['requestChecksumCalculation'] = 'WHEN_SUPPORTED',
): ObjectClient {
  let client = clients.get(store);
  if (!client) {
    client = new ObjectClient(
      { forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true', requestChecksumCalculation: checksums },
      store,
    );
    clients.set(store, client);
    for (const observer of clientObservers) observer(client);
  }
  return client;
}

/**
 * The origin of the URLs `objectClient` presigns for `bucket`: the endpoint's own (`AWS_ENDPOINT_URL_S3`) with
 * path-style URLs, else the bucket's virtual host on it or on S3's regional endpoint. A page that sends requests
 * to such URLs admits this origin in its CSP.
 */
export function presignedUrlOrigin(bucket: string, env: NodeJS.ProcessEnv = process.env): string {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ? new URL(env.AWS_ENDPOINT_URL_S3) : undefined;
  if (endpoint && env.S3_FORCE_PATH_STYLE === 'true') return endpoint.origin;
  if (endpoint) return `${endpoint.protocol}//${bucket}.${endpoint.host}`;
  return `https://${bucket}.s3.${env.AWS_REGION ?? 'us-east-1'}.amazonaws.com`;
}

/** ListObjectsV2 answers, and DeleteObjects takes, at most 1,000 keys. */
export const KEYS_PER_CALL = 1000;

/** Deletes the objects, 1,000 keys per DeleteObjects; a key S3 could not delete is an error (retried by the caller). */
export async function deleteObjects(
  s3: ObjectClient,
  bucket: string,
  keys: readonly string[],
): Promise<void> {
  for (let start = 0; start < keys.length; start += KEYS_PER_CALL) {
    const { Errors = [] } = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.slice(start, start + KEYS_PER_CALL).map((Key) => ({ Key })), Quiet: true },
      }),
    );
    if (Errors.length > 0) {
      throw new Error(`Could not delete ${Errors.length} object(s): ${Errors[0]?.Code ?? 'unknown error'}`);
    }
  }
}

/**
 * Deletes one chunk of the objects under `prefix` (one listing of up to 1,000 keys, one DeleteObjects); true once
 * nothing is left. Each chunk lists from the prefix's start, since what the last one listed is gone: a repeated
 * chunk deletes what is there, so it is idempotent and needs no cursor.
 */
export async function deletePrefixChunk(s3: ObjectClient, bucket: string, prefix: string): Promise<boolean> {
  const listing = await s3.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: KEYS_PER_CALL }),
  );
  const keys = (listing.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
  await deleteObjects(s3, bucket, keys);
  return !listing.IsTruncated;
}
