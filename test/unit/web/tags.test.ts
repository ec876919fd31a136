import { describe, expect, it } from 'vitest';
import { exactly, parseTags, tagChanges } from '../../../web/src/tags.ts';
import { safeReturnPath } from '../../../web/src/paths.ts';

describe('tags as typed in the web client', () => {
  it('given tags separated by spaces and commas in mixed case, when parsed, then they are lower-cased and unique', () => {
    expect(parseTags(' Go, k8s  go,,Rust ')).toEqual(['go', 'k8s', 'rust']);
  });

  it('given a link tagged go and k8s, when edited to k8s and rust, then rust is added and go removed', () => {
    expect(tagChanges(['go', 'k8s'], ['k8s', 'rust'])).toEqual({ add_tags: ['rust'], remove_tags: ['go'] });
  });

  it('given a URL with regex characters, when made an exact regex, then it matches that URL only', () => {
    const pattern = new RegExp(exactly('https://example.com/a?b=(1)+[2]'));

    expect(pattern.test('https://example.com/a?b=(1)+[2]')).toBe(true);
    expect(pattern.test('https://example.com/a?b=(1)+[2]/more')).toBe(false);
    expect(pattern.test('https://exampleXcom/a?b=(1)+[2]')).toBe(false);
  });
});

describe('the path back after signing in', () => {
  it.each([
    ['/add?url=https%3A%2F%2Fexample.com', '/add?url=https%3A%2F%2Fexample.com'],
    ['//evil.example/', '/'],
    ['/\\evil.example/', '/'],
    ['https://evil.example/', '/'],
    [null, '/'],
  ])('given next=%s, when signed in, then the client goes to %s', (next, expected) => {
    expect(safeReturnPath(next)).toBe(expected);
  });
});
