import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { LOCAL_AWS } from '../../local/engines.ts';
import { toHttpError } from '../../shared/http/errors.ts';
import type { HttpResponse } from '../../shared/http/handler.ts';
import { answerOnce, IDEMPOTENCY_WINDOW_SECONDS } from '../../shared/http/idempotency-key.ts';
import { parseRequest } from '../../shared/http/request.ts';
import { LinkService } from '../../shared/links/core.ts';
import { DynamoLinkStore } from '../../shared/links/store.ts';
import { PageTokens } from '../../shared/pagination.ts';
import { aLambdaContext, anApiEvent } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/tables.ts';

/**
 * Idempotent POSTs on DynamoDB Local: Powertools Idempotency's records in the declared idempotency table, around
 * the links service's real insert into the links table.
 */

let tables: TestTables;
let links: LinkService;
let users = 0;
const work = vi.fn();

beforeAll(async () => {
  const endpoint = inject('dynamoDbEndpoint');
  tables = await createTestTables(endpoint, 'idempotency');
  vi.stubEnv('IDEMPOTENCY_TABLE', tables.names.idempotency);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_AWS.credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_AWS.credentials.secretAccessKey);
  const key = randomBytes(32);
  links = new LinkService(
    new DynamoLinkStore(tables.names.links, tables.db),
    new PageTokens(async () => key),
    100,
  );
});
afterAll(() => {
  vi.unstubAllEnvs();
  tables?.destroy();
});
afterEach(() => {
  vi.useRealTimers();
  work.mockReset();
});

/** POST /v1/links as the route wrapper runs it for `username`: the link added, its failures as answers. */
function addLink(username: string, body: { url: string; title?: string }, key: string) {
  const request = parseRequest(
    anApiEvent({ method: 'POST', path: '/v1/links', body, headers: { 'Idempotency-Key': key } }),
  );
  return answerOnce('addLink', request, `user:${username}`, aLambdaContext(), async () => {
    work();
    try {
      const link = await links.add(username, {
        title: '',
        description: '',
        tags: [],
        private: false,
        ...body,
      });
      return { status: 201, body: { link: { url: link.url, created_at: link.created_at } } };
    } catch (error) {
      const failure = toHttpError(error);
      return { status: failure.status, body: failure.body } satisfies HttpResponse;
    }
  });
}

const freshUser = () => `idem${++users}`;
const GOLANG = { url: 'https://golang.org/', title: 'Golang' };

describe('idempotent POSTs on DynamoDB Local', () => {
  it('given two concurrent requests with one key, when both run, then the link is added once and the other waits or replays', async () => {
    const alice = freshUser();
    const key = randomUUID();

    const outcomes = await Promise.allSettled([addLink(alice, GOLANG, key), addLink(alice, GOLANG, key)]);

    expect(work).toHaveBeenCalledTimes(1);
    expect((await links.list(alice, { limit: 10 })).links.map((link) => link.url)).toEqual([GOLANG.url]);
    const answered = outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value.status);
    expect(answered).toContain(201);
    expect(answered.every((status) => status === 201)).toBe(true);
  });

  it('given concurrent requests of which one is refused in progress, then a later retry replays the first answer', async () => {
    const alice = freshUser();
    const key = randomUUID();
    const outcomes = await Promise.allSettled([addLink(alice, GOLANG, key), addLink(alice, GOLANG, key)]);
    const first = outcomes.find((o) => o.status === 'fulfilled' && !o.value.headers?.['idempotent-replayed']);

    const retry = await addLink(alice, GOLANG, key);

    expect(work).toHaveBeenCalledTimes(1);
    expect(retry.headers?.['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual((first as PromiseFulfilledResult<HttpResponse>).value.body);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({
        code: 'idempotency_key_in_progress',
      });
    }
  });

  it('given a first answer, when the key comes with another body, then idempotency_key_reused and nothing added', async () => {
    const alice = freshUser();
    const key = randomUUID();
    await addLink(alice, GOLANG, key);

    await expect(addLink(alice, { url: 'https://go.dev/' }, key)).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('given a first answer whose record has expired, when the key comes again, then the work is done again', async () => {
    const now = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now });
    const alice = freshUser();
    const key = randomUUID();
    await addLink(alice, GOLANG, key);

    vi.setSystemTime(now + (IDEMPOTENCY_WINDOW_SECONDS + 1) * 1000);
    const late = await addLink(alice, GOLANG, key);

    expect(work).toHaveBeenCalledTimes(2);
    expect(late.status).toBe(409);
    expect(late.headers?.['idempotent-replayed']).toBeUndefined();
  });
});
