import { describe, expect, it } from 'vitest';
import {
  MAX_TAG_LENGTH,
  MAX_TAGS,
  newLinkUrlSchema,
  normalizeUrl,
  tagsSchema,
  urlSchema,
  withoutCredentials,
} from '../../../shared/links/model.ts';

describe('normalizeUrl: the form duplicates are found on', () => {
  it.each([
    ['HTTPS://GoLang.ORG/Doc', 'https://golang.org/Doc'],
    ['https://golang.org:443/', 'https://golang.org/'],
    ['http://golang.org:80/', 'http://golang.org/'],
    ['https://golang.org#intro', 'https://golang.org/'],
    ['https://golang.org/a#', 'https://golang.org/a'],
  ])('given %s, when normalized, then %s', (url, normalized) => {
    expect(normalizeUrl(url)).toBe(normalized);
  });

  it.each([
    ['a non-default port', 'https://golang.org:8443/', 'https://golang.org/'],
    ['another path case', 'https://golang.org/Doc', 'https://golang.org/doc'],
    ['another query', 'https://golang.org/?q=1', 'https://golang.org/?q=2'],
    ['another scheme', 'http://golang.org/', 'https://golang.org/'],
  ])('given two URLs that differ by %s, when normalized, then they stay different', (_case, a, b) => {
    expect(normalizeUrl(a)).not.toBe(normalizeUrl(b));
  });
});

describe('urlSchema', () => {
  it.each([['https://golang.org/'], ['http://localhost:3000/x?y=1']])(
    'given %s, then it is accepted',
    (url) => {
      expect(urlSchema.safeParse(url).success).toBe(true);
    },
  );

  it.each([['ftp://x.org/'], ['javascript:alert(1)'], ['/relative'], ['https://'], ['']])(
    'given %j, then it is refused',
    (url) => {
      expect(urlSchema.safeParse(url).success).toBe(false);
    },
  );

  it('given a URL of 2,049 characters, then it is refused; 2,048 is accepted', () => {
    const base = 'https://example.com/';
    expect(urlSchema.safeParse(base + 'a'.repeat(2048 - base.length)).success).toBe(true);
    expect(urlSchema.safeParse(base + 'a'.repeat(2049 - base.length)).success).toBe(false);
  });

  it('given a URL whose serialization passes 2,048 characters (percent-encoding), then it is refused', () => {
    const result = urlSchema.safeParse(`https://example.com/${'é'.repeat(400)}`);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/at most 2048 characters/);
  });

  const messageFor = (url: string) => urlSchema.safeParse(url).error?.issues[0]?.message;

  it.each([
    ['NUL', 'https://example.com/a\u0000b'],
    ['a tab', 'https://example.com/a\tb'],
    ['a newline', 'https://exa\nmple.com/'],
    ['a carriage return', 'https://example.com/?q=a\rb'],
    ['an escape', 'https://example.com/\u001b[31m'],
    ['the unit separator', 'https://example.com/\u001f'],
    ['DEL', 'https://example.com/\u007f'],
    ['a control before the scheme', '\u0001https://example.com/'],
  ])('given a URL with %s, then it is refused as holding control characters', (_case, url) => {
    expect(messageFor(url)).toBe('must not contain control characters');
  });

  it.each([
    ['a space in the path', 'https://example.com/a b'],
    ['a space in the query', 'https://example.com/?q=a b'],
    ['a space in the host', 'https://exa mple.com/'],
    ['a no-break space', 'https://example.com/a\u00a0b'],
    ['an ideographic space', 'https://example.com/a\u3000b'],
    ['a line separator', 'https://example.com/a\u2028b'],
  ])('given a URL with %s, then it is refused as holding whitespace', (_case, url) => {
    expect(messageFor(url)).toBe('must not contain whitespace');
  });

  it.each([
    ['in the path', 'https://example.com\\evil.example/'],
    ['as the slashes', 'https:\\\\example.com/'],
    ['in the query', 'https://example.com/?a=\\'],
  ])('given a URL with a backslash %s, then it is refused', (_case, url) => {
    expect(messageFor(url)).toBe('must not contain backslashes');
  });

  it.each([
    ['  https://golang.org/  ', 'https://golang.org/'],
    ['HTTPS://GoLang.ORG:443/Doc', 'https://golang.org/Doc'],
    ['http://golang.org:80', 'http://golang.org/'],
    ['https://golang.org/a/../b/./c', 'https://golang.org/b/c'],
    ['https://café.example/é?q=é#é', 'https://xn--caf-dma.example/%C3%A9?q=%C3%A9#%C3%A9'],
    ['https://golang.org/doc#intro', 'https://golang.org/doc#intro'],
    ['https://user@golang.org/%7e', 'https://user@golang.org/%7e'],
  ])('given %j, then it becomes the URL parser serialization %s', (url, serialized) => {
    expect(urlSchema.parse(url)).toBe(serialized);
    expect(urlSchema.parse(serialized)).toBe(serialized);
  });
});

describe('tagsSchema', () => {
  it('given one string with commas and spaces, as the original clients send, then the tags, lower-cased, unique and sorted', () => {
    expect(tagsSchema.parse(' Go, k8s  Rust,,go\tWEB ')).toEqual(['go', 'k8s', 'rust', 'web']);
  });

  it('given a list with repeats and capitals, then lower-cased, unique and sorted', () => {
    expect(tagsSchema.parse(['web', 'Go', 'GO', ' go '])).toEqual(['go', 'web']);
  });

  it('given an empty string, then no tags', () => {
    expect(tagsSchema.parse('')).toEqual([]);
  });

  it.each([
    ['a tag with a space', ['two words']],
    ['a tag with a comma', ['a,b']],
    ['an empty tag', ['']],
    ['a tag of 65 characters', ['x'.repeat(MAX_TAG_LENGTH + 1)]],
  ])('given %s in a list, then it is refused', (_case, tags) => {
    expect(tagsSchema.safeParse(tags).success).toBe(false);
  });

  it('given a tag of exactly 64 characters, then it is accepted', () => {
    expect(tagsSchema.parse(['x'.repeat(MAX_TAG_LENGTH)])).toHaveLength(1);
  });

  it('given 101 different tags, then refused with "at most 100 tags"', () => {
    const result = tagsSchema.safeParse(Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`));

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toContain('at most 100 tags');
  });

  it('given 101 tags of which two are the same, then accepted: the limit counts unique tags', () => {
    const tags = [...Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`), 'T0'];

    expect(tagsSchema.parse(tags)).toHaveLength(MAX_TAGS);
  });

  it('given 101 tags in one string, then refused', () => {
    expect(tagsSchema.safeParse(Array.from({ length: 101 }, (_, i) => `t${i}`).join(',')).success).toBe(
      false,
    );
  });
});

describe('newLinkUrlSchema: the URL of a link being saved', () => {
  it.each([
    ['a user name and password', 'https://alice:s3cret@intranet.example/wiki'],
    ['a user name', 'https://alice@intranet.example/'],
    ['a password alone', 'https://:s3cret@intranet.example/'],
    ['percent-encoded ones', 'https://al%69ce:s%33cret@intranet.example/'],
  ])('given a URL with %s, then it is refused, saying why', (_case, url) => {
    const parsed = newLinkUrlSchema.safeParse(url);

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(
      'must not contain a user name or password (user:password@): they would be shown with the link',
    );
  });

  it.each([
    ['an @ in its path', 'https://medium.com/@alice/a-post', 'https://medium.com/@alice/a-post'],
    ['an @ in its query', 'https://example.com/?mail=a@b.example', 'https://example.com/?mail=a@b.example'],
    ['an upper-case host', 'HTTPS://Example.COM/', 'https://example.com/'],
  ])('given a URL with %s, then it is accepted as urlSchema serializes it', (_case, url, stored) => {
    expect(newLinkUrlSchema.parse(url)).toBe(stored);
  });

  it('given a URL that urlSchema refuses, then it is refused for the same reason', () => {
    expect(newLinkUrlSchema.safeParse('javascript:alert(1)').error?.issues[0]?.message).toBe(
      'must be an absolute http or https URL',
    );
  });

  it('given a saved URL with credentials, then urlSchema still finds it by that URL (update, delete)', () => {
    expect(urlSchema.parse('https://alice:s3cret@intranet.example/')).toBe(
      'https://alice:s3cret@intranet.example/',
    );
  });
});

describe('withoutCredentials', () => {
  it.each([
    ['https://alice:s3cret@intranet.example/wiki', 'https://intranet.example/wiki'],
    ['https://alice@intranet.example/', 'https://intranet.example/'],
    ['https://example.com/@alice', 'https://example.com/@alice'],
    ['not a url', 'not a url'],
  ])('given %s, then %s', (url, quoted) => {
    expect(withoutCredentials(url)).toBe(quoted);
  });
});
