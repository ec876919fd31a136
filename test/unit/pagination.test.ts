import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { InvalidRequest } from '../../shared/errors.ts';
import { PAGE_TOKEN_LIFETIME_MS, PageTokens } from '../../shared/pagination.ts';

const KEY = Buffer.from('a-unit-test-key-of-at-least-thirty-two-characters');
const ISSUED_AT = Date.parse('2026-11-23T18:00:00.000Z');
let now = ISSUED_AT;
const tokens = (key = KEY) =>
  new PageTokens(
    async () => key,
    () => now,
  );
const position = { createdAt: '2026-11-23T18:00:00.000Z', url: 'https://golang.org/' };

describe('PageTokens', () => {
  beforeEach(() => {
    now = ISSUED_AT;
  });

  it('given a sealed position, when the same list and owner open it, then they get the position back', async () => {
    const pageTokens = tokens();

    const token = await pageTokens.seal('links', 'alice', position);

    expect(await pageTokens.open(token, 'links', 'alice')).toEqual(position);
  });

  it('given a sealed position, when its bytes are read, then they reveal neither the position, the list nor the owner', async () => {
    const token = await tokens().seal('links', 'alice', position);

    const decodedParts = token.split('.').map((part) => Buffer.from(part, 'base64url'));
    for (const secret of ['golang', 'alice', 'links', '2026-11-23', 'createdAt']) {
      expect(token).not.toContain(secret);
      for (const bytes of decodedParts) expect(bytes.includes(secret), secret).toBe(false);
    }
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('given the same position sealed twice, when the tokens are compared, then they differ: nothing to correlate', async () => {
    const pageTokens = tokens();

    expect(await pageTokens.seal('links', 'alice', position)).not.toBe(
      await pageTokens.seal('links', 'alice', position),
    );
  });

  it('given a token, when it is opened just before a day has passed, then it works; at a day, then InvalidRequest', async () => {
    const pageTokens = tokens();
    const token = await pageTokens.seal('links', 'alice', position);

    now = ISSUED_AT + PAGE_TOKEN_LIFETIME_MS - 1;
    expect(await pageTokens.open(token, 'links', 'alice')).toEqual(position);

    now = ISSUED_AT + PAGE_TOKEN_LIFETIME_MS;
    const opening = pageTokens.open(token, 'links', 'alice');
    await expect(opening).rejects.toBeInstanceOf(InvalidRequest);
    await expect(opening).rejects.toMatchObject({ details: { start_token: expect.any(String) } });
    expect(PAGE_TOKEN_LIFETIME_MS).toBe(24 * 60 * 60 * 1000);
  });

  it('given a token, when any one of its characters is changed, then InvalidRequest', async () => {
    const pageTokens = tokens();
    const token = await pageTokens.seal('links', 'alice', position);

    for (let at = 0; at < token.length; at++) {
      const edited = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
      await expect(pageTokens.open(edited, 'links', 'alice'), `edited at ${at}`).rejects.toBeInstanceOf(
        InvalidRequest,
      );
    }
  });

  it('given a token, when it is opened for another owner or another list, then InvalidRequest naming start_token', async () => {
    const pageTokens = tokens();
    const token = await pageTokens.seal('links', 'alice', position);

    for (const [list, owner] of [
      ['links', 'bob'],
      ['following', 'alice'],
    ] as const) {
      const opening = pageTokens.open(token, list, owner);
      await expect(opening).rejects.toBeInstanceOf(InvalidRequest);
      await expect(opening).rejects.toMatchObject({ details: { start_token: expect.any(String) } });
    }
  });

  it('given a token sealed with another key, when it is opened, then InvalidRequest', async () => {
    const forged = await tokens(Buffer.from('another-key-another-key-another-key!')).seal(
      'links',
      'alice',
      position,
    );

    await expect(tokens().open(forged, 'links', 'alice')).rejects.toBeInstanceOf(InvalidRequest);
  });

  it("given alice's token with its ciphertext bits flipped, when bob opens it, then InvalidRequest", async () => {
    const sealed = Buffer.from(await tokens().seal('links', 'alice', position), 'base64url');
    sealed[14] = sealed[14]! ^ 0x01;

    await expect(tokens().open(sealed.toString('base64url'), 'links', 'bob')).rejects.toBeInstanceOf(
      InvalidRequest,
    );
  });

  it.each([[''], ['.'], ['abc'], ['abc.'], ['.abc'], ['a.b.c'], ['A'.repeat(40)], ['not base64 at all!']])(
    'given the malformed token %j, when it is opened, then InvalidRequest',
    async (token) => {
      await expect(tokens().open(token, 'links', 'alice')).rejects.toBeInstanceOf(InvalidRequest);
    },
  );

  it('given a token whose position does not fit the schema, when it is opened with that schema, then InvalidRequest', async () => {
    const pageTokens = tokens();
    const token = await pageTokens.seal('links', 'alice', { page: 2 });
    const schema = z.object({ createdAt: z.string(), url: z.string() });

    await expect(pageTokens.open(token, 'links', 'alice', schema)).rejects.toBeInstanceOf(InvalidRequest);
    await expect(
      pageTokens.open(await pageTokens.seal('links', 'alice', position), 'links', 'alice', schema),
    ).resolves.toEqual(position);
  });

  it('given a function that never pages, when PageTokens is created, then the key is not fetched; once used, it is fetched once', async () => {
    const loadKey = vi.fn(async () => KEY);
    const pageTokens = new PageTokens(loadKey);
    expect(loadKey).not.toHaveBeenCalled();

    const token = await pageTokens.seal('links', 'alice', position);
    await pageTokens.open(token, 'links', 'alice');
    await pageTokens.seal('links', 'alice', position);

    expect(loadKey).toHaveBeenCalledTimes(1);
  });

  it('given the key fetch fails once, when the next request comes, then it is fetched again and works', async () => {
    const loadKey = vi
      .fn<() => Promise<Buffer>>()
      .mockRejectedValueOnce(new Error('secrets down'))
      .mockResolvedValue(KEY);
    const pageTokens = new PageTokens(loadKey);

    await expect(pageTokens.seal('links', 'alice', position)).rejects.toThrow('secrets down');
    await expect(pageTokens.seal('links', 'alice', position)).resolves.toEqual(expect.any(String));
    expect(loadKey).toHaveBeenCalledTimes(2);
  });
});
