import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { MAX_BODY_BYTES } from '../../../shared/http/request.ts';
import { linkToItem } from '../../../shared/links/dynamodb.ts';
import type { LinkResponse } from '../../../shared/links/schemas.ts';
import { aLink, type ApiEventInput } from '../../support/builders.ts';
import {
  givenNothingElse,
  givenSession,
  reason,
  throttling,
  throughputExceeded,
  transactionCancelled,
  validationError,
} from '../support/dynamo.ts';
import { call, expectError, stubFunctionEnvironment, TABLES } from '../support/http.ts';

const TOKEN = 'dlk_alices-unit-test-token';
const dynamo = mockClient(DynamoDBDocumentClient);
let addLink: HttpHandler;

beforeAll(async () => {
  stubFunctionEnvironment();
  ({ handler: addLink } = await import('../../../functions/links/add-link.ts'));
});
afterAll(() => {
  dynamo.restore();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  dynamo.reset();
  givenNothingElse(dynamo);
  givenSession(dynamo, TOKEN, { username: 'alice' });
});

const post = (body: unknown, more: Partial<ApiEventInput> = {}) =>
  call<{ link: LinkResponse }>(addLink, { method: 'POST', path: '/v1/links', token: TOKEN, body, ...more });

const writes = () => dynamo.commandCalls(TransactWriteCommand);

describe('POST /v1/links: adding a link', () => {
  it('given a new URL, when alice adds it, then 201 with the pending link, written once under her name', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    const answer = await post({ url: 'https://golang.org/', title: 'Golang', tags: 'Go, k8s go' });

    expect(answer.status).toBe(201);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.body.link).toMatchObject({
      url: 'https://golang.org/',
      title: 'Golang',
      description: '',
      tags: ['go', 'k8s'],
      private: false,
      status: 'pending',
      http_status: null,
      checked_at: null,
    });
    expect(answer.body.link.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(writes()).toHaveLength(1);
    const put = writes()[0]!.args[0].input.TransactItems![0]!.Put!;
    expect(put.TableName).toBe(TABLES.links);
    expect(put.Item).toMatchObject({ pk: 'USER#alice', username: 'alice', url: 'https://golang.org/' });
  });

  it('given a form body, as the original clients send, when a link is added, then its fields are read from it', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    const answer = await post(
      new URLSearchParams({ url: 'https://k8s.io/', tags: 'k8s,ops', private: 'on' }).toString(),
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    );

    expect(answer.status).toBe(201);
    expect(answer.body.link).toMatchObject({ url: 'https://k8s.io/', tags: ['k8s', 'ops'], private: true });
  });

  it('given the fields in the query string and no body, when a link is added, then they are used', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    const answer = await post(undefined, { query: { url: 'https://golang.org/', title: 'From the query' } });

    expect(answer.status).toBe(201);
    expect(answer.body.link.title).toBe('From the query');
  });

  it('given alice already has the URL, when she adds it again, then 409 already_exists carrying the existing link', async () => {
    const existing = aLink({
      username: 'alice',
      url: 'https://golang.org/',
      title: 'The first time',
      tags: ['go'],
      createdAt: '2026-01-02T03:04:05.678Z',
    });
    dynamo
      .on(TransactWriteCommand)
      .rejects(transactionCancelled(reason.conditionFailed(linkToItem(existing)), reason.none));

    const body = expectError(
      await post({ url: 'https://golang.org/', title: 'Again' }),
      409,
      'already_exists',
    );

    expect(body.link).toEqual({
      url: 'https://golang.org/',
      title: 'The first time',
      description: '',
      tags: ['go'],
      private: false,
      status: 'pending',
      http_status: null,
      checked_at: null,
      created_at: '2026-01-02T03:04:05.678Z',
      updated_at: '2026-01-02T03:04:05.678Z',
    });
  });

  it('given alice is at the link limit, when she adds a link, then 403 link_limit_reached', async () => {
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled(reason.none, reason.conditionFailed()));

    expectError(await post({ url: 'https://golang.org/' }), 403, 'link_limit_reached');
  });

  it.each([
    ['ProvisionedThroughputExceededException', throughputExceeded],
    ['ThrottlingException', throttling],
  ])(
    'given DynamoDB keeps answering %s past the SDK retries, when a link is added, then 503 unavailable',
    async (_name, failure) => {
      dynamo.on(TransactWriteCommand).rejects(failure());

      expectError(await post({ url: 'https://golang.org/' }), 503, 'unavailable');
    },
  );

  it('given the session lookup itself is throttled, when a link is added, then 503, not 401', async () => {
    dynamo.reset();
    dynamo.on(GetCommand).rejects(throughputExceeded());

    expectError(await post({ url: 'https://golang.org/' }), 503, 'unavailable');
  });
});

describe('POST /v1/links: refusing what it cannot take', () => {
  it.each([
    ['an ftp URL', { url: 'ftp://example.com/file' }, 'url'],
    ['a relative URL', { url: '/just/a/path' }, 'url'],
    ['no URL', { title: 'No url' }, 'url'],
    ['a tag with whitespace', { url: 'https://golang.org/', tags: ['two words'] }, 'tags.0'],
    ['a tag of 65 characters', { url: 'https://golang.org/', tags: ['t'.repeat(65)] }, 'tags.0'],
    ['a title of 513 characters', { url: 'https://golang.org/', title: 'x'.repeat(513) }, 'title'],
    [
      'a description of 4,097 characters',
      { url: 'https://golang.org/', description: 'x'.repeat(4097) },
      'description',
    ],
  ])(
    'given %s, when a link is added, then 400 invalid_request naming the field, and nothing is written',
    async (_case, body, field) => {
      const error = expectError(await post(body), 400, 'invalid_request');

      expect(Object.keys(error.error.details ?? {})).toEqual([field]);
      expect(writes()).toHaveLength(0);
    },
  );

  it('given no url at all, when a link is added, then details.url says it is required', async () => {
    const error = expectError(await post({ title: 'No url' }), 400, 'invalid_request');

    expect(error.error.details).toEqual({ url: 'required' });
  });

  it('given a url that is a number, when a link is added, then details.url says what is wrong, not "required"', async () => {
    const error = expectError(await post({ url: 123 }), 400, 'invalid_request');

    expect(error.error.details?.url).toEqual(expect.stringContaining('expected string'));
  });

  it('given a body that is not valid JSON, when a link is added, then 400 invalid_request saying so', async () => {
    const error = expectError(
      await post('{"url": "https://golang.org/",', { headers: { 'content-type': 'application/json' } }),
      400,
      'invalid_request',
    );

    expect(error.error.message).toMatch(/JSON/);
    expect(writes()).toHaveLength(0);
  });

  it('given a JSON array instead of an object, when a link is added, then 400 naming the body', async () => {
    const error = expectError(await post([{ url: 'https://golang.org/' }]), 400, 'invalid_request');

    expect(error.error.details).toHaveProperty('body');
  });

  /** A JSON body of exactly `bytes` bytes whose description is all padding. */
  const bodyOfSize = (bytes: number) => {
    const envelope = JSON.stringify({ url: 'https://golang.org/', description: '' });
    return JSON.stringify({
      url: 'https://golang.org/',
      description: 'x'.repeat(bytes - Buffer.byteLength(envelope)),
    });
  };

  it('given a body one byte over 64 KiB, when a link is added, then 413 payload_too_large', async () => {
    const body = bodyOfSize(MAX_BODY_BYTES + 1);
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES + 1);

    expectError(
      await post(body, { headers: { 'content-type': 'application/json' } }),
      413,
      'payload_too_large',
    );
    expect(writes()).toHaveLength(0);
  });

  it('given a body of exactly 64 KiB, when a link is added, then it is read (and judged on its fields)', async () => {
    const body = bodyOfSize(MAX_BODY_BYTES);
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);

    const error = expectError(
      await post(body, { headers: { 'content-type': 'application/json' } }),
      400,
      'invalid_request',
    );

    expect(error.error.details).toHaveProperty('description');
  });

  it('given a text/plain body, when a link is added, then 415 unsupported_media_type', async () => {
    expectError(
      await post('url=https://golang.org/', { headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    );
    expect(writes()).toHaveLength(0);
  });
});

describe('POST /v1/links: a bug on our side', () => {
  it('given DynamoDB rejects the request as malformed, when a link is added, then 500 internal whose message gives nothing away', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejects(
        validationError('One or more parameter values were invalid: table links-table, key USER#alice'),
      );

    const answer = await post({ url: 'https://golang.org/' });

    const error = expectError(answer, 500, 'internal');
    expect(error.error.details).toBeUndefined();
    for (const secret of ['ValidationException', 'links-table', 'USER#alice', 'parameter values', ' at ']) {
      expect(answer.text).not.toContain(secret);
    }
  });

  it('given the code throws a plain TypeError, when a link is added, then 500 internal with no stack trace', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejects(new TypeError("Cannot read properties of undefined (reading 'Item')"));

    const answer = await post({ url: 'https://golang.org/' });

    expectError(answer, 500, 'internal');
    expect(answer.text).not.toMatch(/TypeError|Cannot read|\.ts:\d+/);
  });
});

describe('every answer carries x-request-id', () => {
  it('given a success and three kinds of failure, when each is answered, then each has the request id', async () => {
    dynamo.on(TransactWriteCommand).resolvesOnce({}).rejects(validationError('boom'));

    // call() checks x-request-id against the event's request id on every answer.
    expect((await post({ url: 'https://golang.org/' })).status).toBe(201);
    expect((await post({ url: 'https://golang.org/' })).status).toBe(500);
    expect((await post({ url: 'not a url' })).status).toBe(400);
    expect((await post({ url: 'https://golang.org/' }, { token: 'dlk_nobody' })).status).toBe(401);
  });
});
