import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import * as z from './zod.ts';
import { InvalidRequest } from './errors.ts';

/** How long a page token can be used: long enough to page through a list, short enough not to be a bookmark. */
export const PAGE_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Opaque pagination tokens. A token is the position it resumes from, encrypted with AES-256-GCM under a key
 * derived from the stage's secret, so it reveals nothing (not the last URL, username or time seen). The list and
 * the owner it was issued for are bound as associated data and it expires a day after it was issued: an edited
 * token, one of another user or another list, or an expired one is refused (400) instead of serving a wrong page.
 */
export class PageTokens {
  private key: Promise<KeyObject> | undefined;

  /**
   * The secret is fetched on first use, so functions that never page never need it. `now` is the clock (epoch
   * milliseconds) that dates and expires tokens.
   */
  constructor(
    private readonly loadSecret: () => Promise<Buffer>,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async seal(list: string, owner: string, position: unknown): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', await this.cipherKey(), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(list, owner));
    const plain = Buffer.from(JSON.stringify({ p: position, e: this.now() + PAGE_TOKEN_LIFETIME_MS }));
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return sealed.toString('base64url');
  }

  /** The position a token carries; with a schema, a position of another shape is refused like a tampered token. */
  async open<T = unknown>(
    token: string,
    list: string,
    owner: string,
    position?: z.core.$ZodType<T>,
  ): Promise<T> {
    const sealed = Buffer.from(token, 'base64url');
    // Re-encoding must give the token back: otherwise characters the decoder skips could be edited unnoticed.
    if (sealed.length <= IV_BYTES + TAG_BYTES || sealed.toString('base64url') !== token) throw tampered();
    const key = await this.cipherKey();
    let decoded: { p?: unknown; e?: unknown };
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(associatedData(list, owner));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
      decoded = JSON.parse(plain.toString('utf8')) as typeof decoded;
    } catch {
      throw tampered(); // the tag does not match: another key, list or owner, or edited bytes
    }
    if (typeof decoded.e !== 'number' || decoded.e <= this.now()) throw tampered();
    if (!position) return decoded.p as T;
    const parsed = z.safeParse(position, decoded.p);
    if (!parsed.success) throw tampered();
    return parsed.data;
  }

  /**
   * A 256-bit key derived (HKDF-SHA256) from the stage's secret, whatever the secret's length; made a KeyObject
   * once, since a cipher given raw bytes makes one on every call (half the time of sealing a token).
   */
  private cipherKey(): Promise<KeyObject> {
    this.key ??= this.loadSecret().then(
      (secret) =>
        createSecretKey(
          Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'delinkcious page tokens v1', 32)),
        ),
      (error: unknown) => {
        this.key = undefined; // a failed fetch is tried again on the next request
        throw error;
      },
    );
    return this.key;
  }
}

/** The list and the owner, unambiguously joined. */
function associatedData(list: string, owner: string): Buffer {
  return Buffer.from(JSON.stringify([list, owner]), 'utf8');
}

function tampered(): InvalidRequest {
  return new InvalidRequest('start_token is not a token this list issued, or it has expired.', {
    start_token: 'not a token this list issued, or expired',
  });
}
