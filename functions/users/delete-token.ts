import { route } from '../../shared/http/handler.ts';
import { validate } from '../../shared/http/validate.ts';
import { tokenPath } from '../../shared/users/schemas/tokens.ts';
import { tokens } from '../../shared/users/service.ts';

/** DELETE /v1/tokens/{id}: one of the caller's sessions or personal tokens, dead at once. */
export const handler = route('deleteToken', async (request, caller) => {
  const { id } = validate(tokenPath, request.pathParameters);
  await tokens().delete(caller.username, id);
  return { status: 204 };
});
