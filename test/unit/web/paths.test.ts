import { describe, expect, it } from 'vitest';
import { isAccountPath, isClientPath, profilePath, profileUsername } from '../../../web/src/paths.ts';

describe("the client's profile paths", () => {
  it.each([['alice'], ['bob-42'], ['名前'], ['a b']])(
    'given the username %s, when made into a profile path and read back, then it is the same username',
    (username) => {
      const path = profilePath(username);

      expect(path.startsWith('/people/')).toBe(true);
      expect(new URL(path, 'http://localhost').pathname).toBe(path);
      expect(profileUsername(path)).toBe(username);
      expect(isClientPath(path)).toBe(true);
    },
  );

  it.each([['/people'], ['/people/'], ['/people/alice/links'], ['/peoplealice'], ['/people/%E0%A4%A']])(
    'given %s, when read as a profile path, then it names nobody',
    (path) => {
      expect(profileUsername(path)).toBeUndefined();
    },
  );

  it('given a username with a slash, when made into a profile path, then the slash stays inside the one segment', () => {
    expect(profileUsername(profilePath('a/b'))).toBe('a/b');
  });
});

describe("the account's paths", () => {
  it.each([['/account'], ['/account/import'], ['/account/export'], ['/account/tokens']])(
    'given %s, then it is a client path of the account area',
    (path) => {
      expect(isClientPath(path)).toBe(true);
      expect(isAccountPath(path)).toBe(true);
    },
  );

  it.each([['/account/'], ['/account/other'], ['/']])(
    'given %s, then it is not an account screen',
    (path) => {
      expect(isAccountPath(path)).toBe(false);
    },
  );
});
