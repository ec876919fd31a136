import { describe, expect, it } from 'vitest';
import type { User } from '../../../shared/users/model.ts';
import { UsersForSocial } from '../../../shared/users/users-for-social.ts';
import { aUser } from '../../support/builders.ts';

const storeOf = (users: User[]) => ({
  get: async (username: string) => users.find((user) => user.username === username),
});

describe('UsersForSocial', () => {
  it('given a stored user, when the social graph asks whether they exist, then yes', async () => {
    const directory = new UsersForSocial(storeOf([aUser({ username: 'alice' })]));

    expect(await directory.exists('alice')).toBe(true);
  });

  it('given no such user, when the social graph asks whether they exist, then no', async () => {
    const directory = new UsersForSocial(storeOf([aUser({ username: 'alice' })]));

    expect(await directory.exists('mallory')).toBe(false);
  });
});
