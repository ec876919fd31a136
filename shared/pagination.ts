import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { InvalidRequest } from './errors.ts';

/**
 * Opaque, integrity-protected pagination tokens. A token names the list and the owner it was issued for and is
 * signed with HMAC-SHA256, so an edited token, or one from another user or another list, is refused (400)
 * instead of serving a wrong page.
 */
export class PageTokens {
  private key: Promise<Buffer> | undefined;

  /** The key is fetched on first use, so functions that never page never need it. */
  constructor(private readonly loadKey: () => Promise<Buffer>) {}

  async seal(list: string, owner: string, position: unknown): Promise<string> {
    const payload = Buffer.from(JSON.stringify({ l: list, o: owner, p: position })).toString('base64url');
    return `${payload}.${await this.sign(payload)}`;
  }

  /** The position a token carries; with a schema, a position of another shape is refused like a tampered token. */
  async open<T = unknown>(token: string, list: string, owner: string, position?: z.ZodType<T>): Promise<T> {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined || !(await this.verify(payload, signature))) {
      throw tampered();
    }
    let decoded: { l?: unknown; o?: unknown; p?: unknown };
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof decoded;
    } catch {
      throw tampered();
    }
    if (decoded.l !== list || decoded.o !== owner) throw tampered();
    if (!position) return decoded.p as T;
    const parsed = position.safeParse(decoded.p);
    if (!parsed.success) throw tampered();
    return parsed.data;
  }

  private async sign(payload: string): Promise<string> {
    this.key ??= this.loadKey().catch((error: unknown) => {
      this.key = undefined; // a failed fetch is tried again on the next request
      throw error;
    });
    return createHmac('sha256', await this.key)
      .update(payload)
      .digest('base64url');
  }

  private async verify(payload: string, signature: string): Promise<boolean> {
    const expected = Buffer.from(await this.sign(payload));
    const actual = Buffer.from(signature);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

function tampered(): InvalidRequest {
  return new InvalidRequest('start_token is not a token this list issued.', {
    start_token: 'not a token this list issued',
  });
}
