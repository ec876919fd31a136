import { describe, expect, it } from 'vitest';
import { InvalidRequest } from '../../../shared/errors.ts';
import { parseRequest } from '../../../shared/http/request.ts';
import { anApiEvent } from '../../support/builders.ts';

describe('reading a request', () => {
  it('given a cookie with a malformed percent-escape, then it is kept as sent instead of failing the request', () => {
    const request = parseRequest(anApiEvent({ cookies: ['broken=%zz', 'state=a%20b'] }));

    expect(request.cookies).toEqual({ broken: '%zz', state: 'a b' });
  });

  it('given a repeated query parameter, then its values come as a list, each exactly as sent', () => {
    const event = { ...anApiEvent(), rawQueryString: 'tag=go&tag=k8s&title_regex=a%2Cb' };

    expect(parseRequest(event).query).toEqual({ tag: ['go', 'k8s'], title_regex: 'a,b' });
  });

  it('given a form with a repeated key, then its values come as a list', () => {
    const request = parseRequest(
      anApiEvent({
        method: 'POST',
        body: 'url=https%3A%2F%2Fgolang.org%2F&tags=go&tags=k8s',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );

    expect(request.body).toEqual({ url: 'https://golang.org/', tags: ['go', 'k8s'] });
  });

  it('given keys named like object internals, then they are plain fields', () => {
    const event = { ...anApiEvent(), rawQueryString: '__proto__=a&__proto__=b&constructor=c' };

    const query = parseRequest(event).query;

    expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
    expect(Object.entries(query)).toEqual([
      ['__proto__', ['a', 'b']],
      ['constructor', 'c'],
    ]);
  });

  it('given JSON after a byte order mark, then the body is read as the JSON', () => {
    const request = parseRequest(
      anApiEvent({
        method: 'POST',
        body: '\uFEFF{"url": "https://golang.org/"}',
        headers: { 'content-type': 'application/json' },
      }),
    );

    expect(request.body).toEqual({ url: 'https://golang.org/' });
  });

  it('given a byte order mark inside the JSON, then it is not valid JSON', () => {
    const event = anApiEvent({
      method: 'POST',
      body: ' \uFEFF{"url": "https://golang.org/"}',
      headers: { 'content-type': 'application/json' },
    });

    expect(() => parseRequest(event)).toThrow(InvalidRequest);
  });

  describe('JSON text that is not Unicode', () => {
    const jsonBody = (body: string) =>
      anApiEvent({ method: 'POST', body, headers: { 'content-type': 'application/json' } });

    it.each([
      ['a field', '{"title": "\\ud800x"}'],
      ['a low surrogate alone', '{"title": "\\uDFFF"}'],
      ['a key', '{"\\ud83d": 1}'],
      ['a list nested deep', `{"tags": ${'['.repeat(5000)}"\\ud800"${']'.repeat(5000)}}`],
    ])('given an unpaired surrogate escaped in %s, then 400 that names it', (_where, body) => {
      expect(() => parseRequest(jsonBody(body))).toThrow(InvalidRequest);
      expect(() => parseRequest(jsonBody(body))).toThrow(/unpaired surrogate/);
    });

    it('given a surrogate pair escaped, or a backslash before u, then the text is read as sent', () => {
      const request = parseRequest(jsonBody('{"title": "\\ud83d\\ude00 and \\\\ud800"}'));

      expect(request.body).toEqual({ title: '\u{1F600} and \\ud800' });
    });
  });
});
