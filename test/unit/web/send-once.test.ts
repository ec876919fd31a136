import { afterEach, describe, expect, it, vi } from 'vitest';
import { sendOnce } from '../../../web/src/api/send-once.ts';

/** The web client's POSTs: one Idempotency-Key per call, the same key on every retry. */

const noWait = async () => {};
const created = () => new Response('{"url":"https://example.com/a"}', { status: 201 });
const inProgress = () =>
  new Response('{"error":{"code":"idempotency_key_in_progress","message":"In progress."}}', {
    status: 409,
    headers: { 'retry-after': '1' },
  });

/** A fetch that answers in turn from `answers` (an Error is a failed connection) and records what it was sent. */
function stubFetch(...answers: (Response | Error)[]) {
  const sent: { method: string; key: string | null; body: string }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (request: Request) => {
      sent.push({
        method: request.method,
        key: request.headers.get('idempotency-key'),
        body: await request.text(),
      });
      const answer = answers.shift();
      if (!answer) throw new Error('no answer left');
      if (answer instanceof Error) throw answer;
      return answer;
    }),
  );
  return sent;
}

const aPost = (path = '/v1/links', body = '{"url":"https://example.com/a"}') =>
  new Request(`http://localhost${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('sending a POST once', () => {
  it('given a POST to the API, when sent, then it carries a fresh Idempotency-Key', async () => {
    const sent = stubFetch(created(), created());

    await sendOnce(aPost(), noWait);
    await sendOnce(aPost(), noWait);

    expect(sent[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]!.key).not.toBe(sent[0]!.key);
  });

  it('given the answer is lost twice, when sent, then the same request and key go again and the third answer is the result', async () => {
    const sent = stubFetch(new TypeError('Failed to fetch'), new TypeError('Failed to fetch'), created());

    const response = await sendOnce(aPost(), noWait);

    expect(response.status).toBe(201);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => s.key)).size).toBe(1);
    expect(new Set(sent.map((s) => s.body))).toEqual(new Set(['{"url":"https://example.com/a"}']));
  });

  it('given the first attempt is still in progress, when the retry is answered 409, then it waits and asks again with the key', async () => {
    const sent = stubFetch(new TypeError('Failed to fetch'), inProgress(), created());
    const waits: number[] = [];

    const response = await sendOnce(aPost(), async (ms) => void waits.push(ms));

    expect(response.status).toBe(201);
    expect(sent).toHaveLength(3);
    expect(waits).toEqual([500, 1000]);
  });

  it('given every attempt fails, when sent, then the third failure is the caller’s', async () => {
    stubFetch(new TypeError('a'), new TypeError('b'), new TypeError('c'));

    await expect(sendOnce(aPost(), noWait)).rejects.toThrow('c');
  });

  it('given a 409 that is not about the key, when sent, then it is the answer at once', async () => {
    const sent = stubFetch(
      new Response('{"error":{"code":"conflict","message":"You have it."}}', { status: 409 }),
    );

    expect((await sendOnce(aPost(), noWait)).status).toBe(409);
    expect(sent).toHaveLength(1);
  });

  it('given the caller gave up (aborted), when the connection ends, then nothing is sent again', async () => {
    const sent = stubFetch(new DOMException('The operation was aborted.', 'AbortError'));

    await expect(sendOnce(aPost(), noWait)).rejects.toThrow('aborted');
    expect(sent).toHaveLength(1);
  });

  it('given a GET or a POST outside the API, when sent, then it goes once and unkeyed', async () => {
    const sent = stubFetch(new TypeError('Failed to fetch'), new TypeError('Failed to fetch'));

    await expect(sendOnce(new Request('http://localhost/v1/links'), noWait)).rejects.toThrow();
    await expect(sendOnce(aPost('/logout', ''), noWait)).rejects.toThrow();
    expect(sent.map((s) => s.key)).toEqual([null, null]);
  });
});
