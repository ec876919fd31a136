import { describe, expect, it } from 'vitest';
import { MAX_STALE_AFTER_SECONDS, recheckRequest } from '../../../shared/checker/schemas.ts';
import { InvalidRequest } from '../../../shared/errors.ts';
import { pageQuery } from '../../../shared/http/paging.ts';
import { parseRequest } from '../../../shared/http/request.ts';
import { fieldsOf, validate } from '../../../shared/http/validate.ts';
import { followRequest } from '../../../shared/social/schemas.ts';
import { addLinkRequest, updateLinkRequest } from '../../../shared/links/schemas.ts';
import { anApiEvent } from '../../support/builders.ts';

/** The fields a handler validates for a request sent with this query string and this form body. */
function fieldsSent(rawQueryString: string, form?: string): Record<string, unknown> {
  const event = {
    ...anApiEvent({
      method: 'POST',
      ...(form !== undefined
        ? { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
        : {}),
    }),
    rawQueryString,
  };
  const request = parseRequest(event);
  return fieldsOf(request.query, request.body);
}

function detailsOf(run: () => unknown): Record<string, unknown> | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequest);
    return (error as InvalidRequest).details;
  }
  throw new Error('expected an InvalidRequest');
}

describe('validating repeated query and form keys', () => {
  it('given tags as a repeated query key, when a link is added, then each value is a tag', () => {
    const input = validate(addLinkRequest, fieldsSent('url=https%3A%2F%2Fgolang.org%2F&tags=go&tags=K8s'));

    expect(input.tags).toEqual(['go', 'k8s']);
  });

  it('given add_tags and remove_tags as repeated form keys, when a link is updated, then each is a list', () => {
    const input = validate(
      updateLinkRequest,
      fieldsSent('', 'url=https%3A%2F%2Fgolang.org%2F&add_tags=go&add_tags=k8s&remove_tags=a&remove_tags=b'),
    );

    expect(input.add_tags).toEqual(['go', 'k8s']);
    expect(input.remove_tags).toEqual(['a', 'b']);
  });

  it.each([
    ['url', addLinkRequest, 'url=https%3A%2F%2Fa.example%2F&url=https%3A%2F%2Fb.example%2F'],
    ['title', addLinkRequest, 'url=https%3A%2F%2Fa.example%2F&title=a&title=b'],
    ['private', addLinkRequest, 'url=https%3A%2F%2Fa.example%2F&private=true&private=false'],
    ['limit', pageQuery, 'limit=1&limit=2'],
  ] as const)(
    'given the one-value field %s as a repeated key, when validated, then 400 names it as given more than once',
    (field, schema, rawQueryString) => {
      const details = detailsOf(() => validate(schema, fieldsSent(rawQueryString)));

      expect(details).toEqual({ [field]: 'given more than once; send one value' });
    },
  );

  it('given a list in a JSON body for a one-value field, then the message is the type error, not a repetition', () => {
    const details = detailsOf(() => validate(addLinkRequest, { url: ['https://a.example/'] }));

    expect(details?.url).toMatch(/expected string/);
  });

  it('given a repeated tags key with a tag that has a space, then 400 names that tag', () => {
    const details = detailsOf(() =>
      validate(addLinkRequest, fieldsSent('url=https%3A%2F%2Fa.example%2F&tags=go&tags=a+b')),
    );

    expect(details).toHaveProperty(['tags.1']);
  });
});

describe('validating a flag', () => {
  it.each([['yes'], ['maybe'], [2]])(
    'given private=%s, when a link is added, then 400 says what a flag takes',
    (value) => {
      const details = detailsOf(() =>
        validate(addLinkRequest, { url: 'https://a.example/', private: value }),
      );

      expect(details).toEqual({
        private: 'true or false (from a form or query string also 1, 0, on or off)',
      });
    },
  );

  it.each([
    [true, true],
    ['on', true],
    ['0', false],
  ])('given private=%s, when a link is added, then it is %s', (value, flag) => {
    expect(validate(addLinkRequest, { url: 'https://a.example/', private: value }).private).toBe(flag);
  });
});

describe('validating the re-check request', () => {
  it('given stale_after_seconds beyond any date, when validated, then 400 names it instead of a RangeError', () => {
    const details = detailsOf(() => validate(recheckRequest, { stale_after_seconds: '9007199254740990' }));

    expect(Object.keys(details ?? {})).toEqual(['stale_after_seconds']);
  });

  it('given stale_after_seconds at the bound, when validated, then it is accepted', () => {
    const input = validate(recheckRequest, { stale_after_seconds: String(MAX_STALE_AFTER_SECONDS) });

    expect(input.stale_after_seconds).toBe(MAX_STALE_AFTER_SECONDS);
  });
});

describe('validating fields the route does not take', () => {
  it('given an unknown field in a form body, when a link is added, then 400 names it with the fields there are', () => {
    const details = detailsOf(() =>
      validate(addLinkRequest, fieldsSent('', 'url=https%3A%2F%2Fa.example%2F&visibility=private')),
    );

    expect(details).toEqual({
      visibility: 'unknown field; this request takes url, title, description, tags, private',
    });
  });

  it('given two unknown fields beside a bad one, when validated, then 400 names all three', () => {
    const details = detailsOf(() => validate(updateLinkRequest, { url: 5, titel: 'a', tag: 'b' }));

    expect(Object.keys(details ?? {}).sort()).toEqual(['tag', 'titel', 'url']);
  });

  it("given a follow request, which is transformed after it is read, when it has an unknown field, then 400 names the request's fields", () => {
    const details = detailsOf(() => validate(followRequest, { username: 'bob', user: 'carol' }));

    expect(details).toEqual({ user: 'unknown field; this request takes username, followed' });
  });

  it.each([['__proto__'], ['constructor'], ['toString']])(
    'given an unknown field named like a property of every object (%s), when validated, then 400 names it',
    (field) => {
      const body: unknown = JSON.parse(`{"url": "https://a.example/", "${field}": {"private": true}}`);

      const details = detailsOf(() => validate(addLinkRequest, body));

      expect(Object.keys(details ?? {})).toEqual([field]);
    },
  );

  it("given the original clients' followed, when validated, then it is a field like username", () => {
    expect(validate(followRequest, { followed: 'bob' })).toEqual({ username: 'bob' });
  });
});
