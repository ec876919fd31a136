import type { Author, AuthorDirectory } from '../links/ports.ts';
import type { UserStore } from './ports.ts';

/** The users context as the links context's public side asks for it: whose links a page shows, if anyone's. */
export class UsersForLinks implements AuthorDirectory {
  constructor(private readonly users: Pick<UserStore, 'get'>) {}

  async find(username: string): Promise<Author | undefined> {
    const user = await this.users.get(username);
    if (!user) return undefined;
    return {
      username: user.username,
      name: user.name,
      avatar_url: user.avatar_url,
      created_at: user.created_at,
    };
  }
}
