import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { InvalidRequest } from '../../shared/errors.ts';
import { PageTokens } from '../../shared/pagination.ts';

const KEY = Buffer.from('a-unit-test-key-of-at-least-thirty-two-characters');
const tokens = (key = KEY) => new PageTokens(async () => key);
const position = { createdAt: '2026-11-23T18:00:00.000Z', url: 'https://golang.org/' };

describe('PageTokens', () => {
  it('given a sealed position, when the same list and owner open it, then they get the position back', async () => {
    const pageTokens = tokens();

    const token = await pageTokens.seal('links', 'alice', position);

    expect(await pageTokens.open(token, 'links', 'alice')).toEqual(position);
  });

  it('given a sealed position, when it is read, then it is opaque: two parts, URL-safe, no plain URL inside', async () => {
    const token = await tokens().seal('links', 'alice', position);

    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('golang');
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

  it('given a token signed with another key, when it is opened, then InvalidRequest', async () => {
    const forged = await tokens(Buffer.from('another-key-another-key-another-key!')).seal(
      'links',
      'alice',
      position,
    );

    await expect(tokens().open(forged, 'links', 'alice')).rejects.toBeInstanceOf(InvalidRequest);
  });

  it("given alice's token with its payload rewritten to bob and its signature kept, when bob opens it, then InvalidRequest", async () => {
    const token = await tokens().seal('links', 'alice', position);
    const [, signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ l: 'links', o: 'bob', p: position })).toString('base64url');

    await expect(tokens().open(`${payload}.${signature}`, 'links', 'bob')).rejects.toBeInstanceOf(
      InvalidRequest,
    );
  });

  it.each([[''], ['.'], ['abc'], ['abc.'], ['.abc'], ['a.b.c']])(
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
