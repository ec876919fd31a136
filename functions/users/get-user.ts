import { route } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';
import { profiles } from '../../shared/users/profile-service.ts';
import { toPublicProfile, userPath } from '../../shared/users/schemas/profiles.ts';

/** GET /v1/users/{username}: anybody's public profile, with the counts; 404 for an unknown user. */
export const handler = route('getUser', async (request) => {
  const { username } = validate(userPath, request.pathParameters);
  return { status: 200, body: toPublicProfile(await profiles().of(username)) };
});
