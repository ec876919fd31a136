import { createHash, createHmac, createSecretKey, type Hash, type Hmac } from 'node:crypto';

type SourceData = string | ArrayBuffer | ArrayBufferView;

/**
 * SHA-256, or HMAC-SHA-256 under a secret: the hash that the AWS SDK signs every request with (a client's `sha256`
 * option), computed as the SDK's own does, except that an HMAC's binary secret reaches Node as a KeyObject.
 *
 * Node 24 (the functions' runtime) tells a key's kind by brand checks that throw and catch a TypeError for raw
 * bytes, two per HMAC, and the SDK's hash hands it raw bytes once for every request it signs. Each caught error
 * captures a stack: an HMAC over raw bytes took 10 µs against 2 µs over a KeyObject on a shallow stack, and 61 µs
 * within the local runtime's requests. Making a KeyObject from bytes takes about 1 µs. The bare Query of
 * `ONLY=links npm run bench` shows the difference beside the SDK's default client.
 */
export class Sha256 {
  private hash: Hash | Hmac;
  private finished = false;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.start();
  }

  update(data: SourceData): void {
    if (this.finished) throw new Error('Attempted to update an already finished hash.');
    this.hash.update(typeof data === 'string' ? data : bytesOf(data));
  }

  /** The digest; an HMAC is then finished, a plain hash may go on (the SDK hashes a streamed body that way). */
  async digest(): Promise<Uint8Array> {
    let digest: Buffer;
    if (this.secret) {
      this.finished = true;
      digest = this.hash.digest();
    } else {
      digest = (this.hash as Hash).copy().digest();
    }
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
  }

  reset(): void {
    this.hash = this.start();
    this.finished = false;
  }

  private start(): Hash | Hmac {
    const secret = this.secret;
    if (!secret) return createHash('sha256');
    return createHmac('sha256', typeof secret === 'string' ? secret : createSecretKey(bytesOf(secret)));
  }
}

function bytesOf(data: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(data)
    ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    : Buffer.from(data);
}
