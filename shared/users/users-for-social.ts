import type { UserDirectory } from '../social/ports.ts';
import type { UserStore } from './ports.ts';

/** The users context as the social graph asks for it: whether someone can be followed, that is, exists. */
export class UsersForSocial implements UserDirectory {
  constructor(private readonly users: Pick<UserStore, 'get'>) {}

  async exists(username: string): Promise<boolean> {
    return (await this.users.get(username)) !== undefined;
  }
}
