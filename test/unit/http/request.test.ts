import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../../shared/http/request.ts';
import { anApiEvent } from '../../support/builders.ts';

describe('reading a request', () => {
  it('given a cookie with a malformed percent-escape, then it is kept as sent instead of failing the request', () => {
    const request = parseRequest(anApiEvent({ cookies: ['broken=%zz', 'state=a%20b'] }));

    expect(request.cookies).toEqual({ broken: '%zz', state: 'a b' });
  });

  it('given a repeated query parameter, then the first value counts, exactly as sent', () => {
    const event = { ...anApiEvent(), rawQueryString: 'tag=go&tag=k8s&title_regex=a%2Cb' };

    expect(parseRequest(event).query).toEqual({ tag: 'go', title_regex: 'a,b' });
  });
});
