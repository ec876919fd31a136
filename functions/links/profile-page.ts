import { route } from '../../shared/http/handler.ts';
import { originOf } from '../../shared/http/request.ts';
import { validate } from '../../shared/http/validate.ts';
import { profilePage } from '../../shared/links/profile-page.ts';
import { publicLinks } from '../../shared/links/service.ts';
import { profiles } from '../../shared/users/profile-service.ts';
import { userPath } from '../../shared/users/schemas/profiles.ts';

/** The newest public links the page lists. */
const PROFILE_PAGE_LINKS = 20;

/** GET /u/{username}: a user's public profile page, rendered on the server for link previews. 404 for nobody. */
export const handler = route('profilePage', async (request) => {
  const { username } = validate(userPath, request.pathParameters);
  const [profile, listing] = await Promise.all([
    profiles().of(username),
    publicLinks().page(username, { limit: PROFILE_PAGE_LINKS }),
  ]);
  const page = profilePage(
    {
      username: profile.user.username,
      name: profile.user.name,
      avatarUrl: profile.user.avatar_url,
      publicLinksCount: profile.publicLinksCount,
      followersCount: profile.followersCount,
      links: listing.links,
    },
    originOf(request),
  );
  return {
    status: 200,
    html: page.html,
    headers: page.headers,
    cacheable: { visibility: 'public' },
  };
});
