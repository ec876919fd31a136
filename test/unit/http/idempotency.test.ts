import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
  type MockInstance,
} from 'vitest';
import { Unavailable } from '../../../shared/errors.ts';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { IDEMPOTENCY_WINDOW_SECONDS } from '../../../shared/http/idempotency-key.ts';
import type { LinkResponse } from '../../../shared/links/schemas.ts';
import type { ApiEventInput } from '../../support/builders.ts';
import { throttling } from '../support/dynamo.ts';
import { call, expectError, stubFunctionEnvironment } from '../support/http.ts';
import { useMockedIdempotencyTable } from '../support/idempotency-table.ts';
import { NOW, useInMemoryServices } from '../support/services.ts';

const ALICE = 'dlk_alices-unit-test-token';
const BOB = 'dlk_bobs-unit-test-token';
const KEY = '2f1b6c1e-7d3a-4c1e-9f0a-1b2c3d4e5f60';
const services = useInMemoryServices();
const table = useMockedIdempotencyTable();
let addLink: HttpHandler;
let inserts: MockInstance;

/**
 * Powertools' path, which every POST but the add of a link takes (that one keeps its answer within its own
 * transaction: idempotency-transaction.test.ts): here the add, as a route not declared `oneTransaction`.
 */
beforeAll(async () => {
  stubFunctionEnvironment({ IDEMPOTENCY_TABLE: 'idempotency-table' });
  const { route } = await import('../../../shared/http/handler.ts');
  const { fieldsOf, validate } = await import('../../../shared/http/validate.ts');
  const { addLinkRequest, toLinkResponse, withExistingLink } =
    await import('../../../shared/links/schemas.ts');
  const { linkService } = await import('../../../shared/links/service.ts');
  addLink = route('addLink', async (request, caller) => {
    const input = validate(addLinkRequest, fieldsOf(request.query, request.body));
    const link = await linkService().add(caller.username, input).catch(withExistingLink);
    return { status: 201, body: { link: toLinkResponse(link) } };
  });
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  services.givenSession(ALICE, { username: 'alice' });
  services.givenSession(BOB, { username: 'bob' });
  inserts = vi.spyOn(services.links, 'insert');
});
afterEach(() => vi.useRealTimers());

const GOLANG = { url: 'https://golang.org/', title: 'Golang' };
const post = (body: unknown, headers: Record<string, string> = {}, more: Partial<ApiEventInput> = {}) =>
  call<{ link: LinkResponse }>(addLink, {
    method: 'POST',
    path: '/v1/links',
    token: ALICE,
    body,
    headers,
    ...more,
  });
const withKey = (key = KEY) => ({ 'Idempotency-Key': key });

describe('POST with an Idempotency-Key: retries are answered once', () => {
  it('given a first answer, when the same key and body come again, then the same status and body, marked replayed, and the link added once', async () => {
    const first = await post(GOLANG, withKey());
    const retry = await post(GOLANG, withKey());

    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(inserts).toHaveBeenCalledTimes(1);
    // One record: put in progress, then completed with the answer; the retry wrote nothing.
    expect(table.items.size).toBe(1);
    expect(table.dynamo.commandCalls(PutItemCommand)).toHaveLength(2);
    expect(table.writes()).toBe(3);
  });

  it('given the same body formatted otherwise (spacing, key order), when retried with the key, then it is the same request', async () => {
    const asJson = { ...withKey(), 'content-type': 'application/json' };
    await post(JSON.stringify({ url: GOLANG.url, title: GOLANG.title }), asJson);
    const retry = await post(`{ "title": "Golang",\n  "url": "https://golang.org/" }`, asJson);

    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(inserts).toHaveBeenCalledTimes(1);
  });

  it('given a first answer, when the same key comes with another body, then 422 idempotency_key_reused and nothing added', async () => {
    await post(GOLANG, withKey());
    const other = await post({ url: 'https://go.dev/' }, withKey());

    expectError(other, 422, 'idempotency_key_reused');
    expect(inserts).toHaveBeenCalledTimes(1);
    expect(services.links.stored('alice', 'https://go.dev/')).toBeUndefined();
  });

  it('given a first answer, when the same key comes with the fields in the query string instead, then 422', async () => {
    await post(GOLANG, withKey());
    const other = await post(undefined, withKey(), { query: GOLANG });

    expectError(other, 422, 'idempotency_key_reused');
  });

  it('given the first request still at work, when a retry arrives, then 409 idempotency_key_in_progress with Retry-After, and the work is done once', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The store's own insert, not the spy that counts calls.
    const insert = (Object.getPrototypeOf(services.links) as typeof services.links).insert.bind(
      services.links,
    );
    inserts.mockImplementationOnce(async (...args: Parameters<typeof insert>) => {
      await held;
      return insert(...args);
    });

    const first = post(GOLANG, withKey());
    await vi.waitFor(() => expect(inserts).toHaveBeenCalledTimes(1));
    const concurrent = await post(GOLANG, withKey());
    release();

    const busy = expectError(concurrent, 409, 'idempotency_key_in_progress');
    expect(busy.link).toBeUndefined();
    expect(concurrent.headers['retry-after']).toBe('1');
    expect((await first).status).toBe(201);
    expect(inserts).toHaveBeenCalledTimes(1);
    const later = await post(GOLANG, withKey());
    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBe('true');
  });

  it('given a first answer older than 24 hours, when the key comes again, then the work is done again', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    await post(GOLANG, withKey());

    vi.setSystemTime(NOW + (IDEMPOTENCY_WINDOW_SECONDS + 1) * 1000);
    const late = await post(GOLANG, withKey());

    // Done again: the link is there already, so this time the answer is the duplicate's 409.
    expect(inserts).toHaveBeenCalledTimes(2);
    expectError(late, 409, 'already_exists');
    expect(late.headers['idempotent-replayed']).toBeUndefined();
  });

  it('given a first answer just inside 24 hours, when the key comes again, then it is replayed', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    await post(GOLANG, withKey());

    vi.setSystemTime(NOW + (IDEMPOTENCY_WINDOW_SECONDS - 60) * 1000);
    const retry = await post(GOLANG, withKey());

    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(inserts).toHaveBeenCalledTimes(1);
  });

  it('given a deterministic refusal (409 already_exists), when retried, then the same 409 is replayed', async () => {
    await post(GOLANG);
    const first = await post(GOLANG, withKey());
    const retry = await post(GOLANG, withKey());

    expectError(first, 409, 'already_exists');
    expect(retry.status).toBe(409);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });

  it('given a first attempt that failed with 503, when retried with the key, then the work is done again and succeeds', async () => {
    inserts.mockRejectedValueOnce(new Unavailable('The database is busy.'));

    const failed = await post(GOLANG, withKey());
    const retry = await post(GOLANG, withKey());

    expectError(failed, 503, 'unavailable');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(table.items.size).toBe(1);
  });

  it('given two users with the same key, when each posts, then each request is their own', async () => {
    const alices = await post(GOLANG, withKey());
    const bobs = await post(GOLANG, withKey(), { token: BOB });

    expect(alices.status).toBe(201);
    expect(bobs.status).toBe(201);
    expect(bobs.headers['idempotent-replayed']).toBeUndefined();
    expect(services.links.stored('bob', GOLANG.url)).toBeDefined();
  });

  it('given a stored answer, then the table holds neither the key nor the answer in clear', async () => {
    await post({ ...GOLANG, title: 'A private title' }, withKey());

    const stored = JSON.stringify([...table.items.values()]);
    expect(stored).not.toContain(KEY);
    expect(stored).not.toContain('A private title');
    expect(stored).not.toContain('golang.org');
  });

  it('given no Idempotency-Key, when a link is added twice, then nothing is kept and the second is the duplicate', async () => {
    const first = await post(GOLANG);
    const second = await post(GOLANG);

    expect(first.status).toBe(201);
    expectError(second, 409, 'already_exists');
    expect(table.dynamo.calls()).toHaveLength(0);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a non-ASCII character', 'clé-1'],
    ['a control character', 'key\u0001'],
  ])('given an Idempotency-Key that is %s, then 400 naming the header, and nothing added', async (_, key) => {
    const answer = await post(GOLANG, withKey(key));

    const body = expectError(answer, 400, 'invalid_request');
    expect(body.error.details).toHaveProperty('Idempotency-Key');
    expect(inserts).not.toHaveBeenCalled();
    expect(table.dynamo.calls()).toHaveLength(0);
  });

  it('given a key of 255 printable characters, then it is accepted', async () => {
    const answer = await post(GOLANG, withKey(' ~'.repeat(127) + 'k'));

    expect(answer.status).toBe(201);
  });

  it('given the idempotency table throttling, when a keyed request comes, then 503 and no work done', async () => {
    table.dynamo.on(PutItemCommand).rejects(throttling());

    const answer = await post(GOLANG, withKey());

    expectError(answer, 503, 'unavailable');
    expect(inserts).not.toHaveBeenCalled();
  });

  it('given a missing token, when a keyed request comes, then 401 before any record is written', async () => {
    const answer = await post(GOLANG, withKey(), { token: 'dlk_unknown' });

    expectError(answer, 401, 'unauthorized');
    expect(table.dynamo.calls()).toHaveLength(0);
  });
});
