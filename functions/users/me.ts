import { route } from '../../shared/http/handler.ts';
import { profiles } from '../../shared/users/profile-service.ts';
import { toOwnProfile } from '../../shared/users/schemas/profiles.ts';

/** GET /v1/me: the caller's profile, with the email and the counts. */
export const handler = route('me', async (_request, caller) => ({
  status: 200,
  body: toOwnProfile(await profiles().of(caller.username)),
}));
