import { NotFound } from '../errors.ts';
import type { Profile } from './model.ts';
import type { LinkCounts, SocialCounts, UserStore } from './ports.ts';

/** A user's profile with its counts, each read from the context that owns it. */
export class Profiles {
  constructor(
    private readonly users: Pick<UserStore, 'get'>,
    private readonly links: LinkCounts,
    private readonly social: SocialCounts,
  ) {}

  /** NotFound for an unknown user. The three reads run at once. */
  async of(username: string): Promise<Profile> {
    const [user, links, social] = await Promise.all([
      this.users.get(username),
      this.links.linksCount(username),
      this.social.counts(username),
    ]);
    if (!user) throw new NotFound(`No user ${username}.`);
    return {
      user,
      linksCount: links.all,
      publicLinksCount: links.public,
      followersCount: social.followers,
      followingCount: social.following,
    };
  }
}
