import { describe, expect, it } from 'vitest';
import { contractProblems, type ReceivedAnswer } from '../support/openapi-contract.ts';

/** The e2e clients' check of every answer against the OpenAPI document. */

const COMMON = { 'x-request-id': 'req-1', 'x-content-type-options': 'nosniff' };
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

function anAnswer(
  overrides: Partial<ReceivedAnswer> & { headerFields?: Record<string, string> },
): ReceivedAnswer {
  const { headerFields, ...rest } = overrides;
  return {
    method: 'GET',
    path: '/healthz',
    status: 200,
    text: JSON.stringify({ status: 'ok', version: '1.0.0' }),
    headers: new Headers(headerFields ?? { ...COMMON, ...JSON_TYPE }),
    ...rest,
  };
}

const anError = JSON.stringify({ error: { code: 'rate_limited', message: 'Slow down.' } });

describe('checking an answer against the OpenAPI document', () => {
  it('given an answer as documented, then there is no problem', () => {
    expect(contractProblems(anAnswer({}))).toEqual([]);
  });

  it('given a status the operation does not declare, then the problem names it and the declared ones', () => {
    const problems = contractProblems(anAnswer({ path: '/v1/users/alice', status: 418, text: anError }));

    expect(problems).toEqual([
      expect.stringMatching(/declares no 418 for GET \/v1\/users\/\{username\}.*200/),
    ]);
  });

  it('given a body that misses a field or breaks a pattern, then each problem names the place', () => {
    const news = {
      events: [{ id: '1', event_type: 'link_added', username: 'Bob', url: 'u', title: 't' }],
      next_token: null,
    };

    const problems = contractProblems(anAnswer({ path: '/v1/news?limit=1', text: JSON.stringify(news) }));

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/events\/0\/username must match pattern/),
        expect.stringMatching(/\/events\/0 must have required property 'timestamp'/),
      ]),
    );
  });

  it('given a missing or malformed required header, then the problem names the header', () => {
    const problems = contractProblems(
      anAnswer({
        path: '/v1/me',
        status: 429,
        text: anError,
        headerFields: { ...JSON_TYPE, 'retry-after': '0' },
      }),
    );

    expect(problems).toEqual([
      'the required header x-request-id is missing',
      'the required header X-Content-Type-Options is missing',
      expect.stringMatching(/^the header Retry-After: "0" value must be >= 1/),
    ]);
  });

  it('given a method that the path does not list, then only a 405 with Allow conforms', () => {
    const notAllowed = { method: 'PUT', path: '/v1/following', status: 405, text: anError };

    expect(contractProblems(anAnswer({ ...notAllowed, headerFields: { ...COMMON, ...JSON_TYPE } }))).toEqual([
      'the required header Allow is missing',
    ]);
    expect(
      contractProblems(
        anAnswer({ ...notAllowed, headerFields: { ...COMMON, ...JSON_TYPE, allow: 'GET, POST' } }),
      ),
    ).toEqual([]);
    expect(contractProblems(anAnswer({ ...notAllowed, status: 200 }))).toEqual([
      expect.stringMatching(/lists no PUT, so the document says it answers 405, but it answered 200/),
    ]);
  });

  it('given an unknown path, then only a 404 in the error format conforms', () => {
    expect(contractProblems(anAnswer({ path: '/nowhere', status: 404, text: anError }))).toEqual([]);
    expect(contractProblems(anAnswer({ path: '/nowhere', status: 404, text: '{}' }))).toEqual([
      expect.stringMatching(/must have required property 'error'/),
    ]);
  });

  it('given a content type the response does not declare, then the problem names it', () => {
    const problems = contractProblems(
      anAnswer({ headerFields: { ...COMMON, 'content-type': 'text/plain' }, text: 'ok' }),
    );

    expect(problems).toEqual([expect.stringMatching(/content type "text\/plain" is not declared/)]);
  });
});
