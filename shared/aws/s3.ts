import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { translatingSend } from './errors.ts';

/**
 * The S3 client every bucket adapter takes (snapshots, exports, imports): its failures arrive as domain errors
 * (see shared/aws/errors.ts), named after the store that uses it.
 */
export class ObjectClient extends S3Client {
  /** Sets the type apart, so that a store cannot be given a client that leaves its errors untranslated. */
  readonly translatesAwsErrors = true;

  constructor(config: S3ClientConfig = {}, store = 'The object store') {
    super(config);
    // Assigned rather than declared as an override: the inherited `send` has callback overloads not needed here.
    const send = translatingSend((command, options) => super.send(command, options), store);
    this.send = send as S3Client['send'];
  }
}

const clients = new Map<string, ObjectClient>();

/**
 * One S3 client per store and process. The endpoint comes from the SDK's own `AWS_ENDPOINT_URL_S3`; path-style
 * URLs (`<endpoint>/<bucket>/<key>`) when `S3_FORCE_PATH_STYLE=true`, which the local runtime sets for the
 * emulator (whose virtual-hosted names would not resolve). Presigned URLs follow the same settings, so locally
 * they point at the emulator.
 */
export function objectClient(store: string): ObjectClient {
  let client = clients.get(store);
  if (!client) {
    client = new ObjectClient({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' }, store);
    clients.set(store, client);
  }
  return client;
}
