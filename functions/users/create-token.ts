import { route } from '../../shared/http/handler.ts';
import { fieldsOf, validate } from '../../shared/http/validate.ts';
import { NO_STORE } from '../../shared/users/http.ts';
import { createTokenRequest, toCreatedTokenResponse } from '../../shared/users/schemas/tokens.ts';
import { tokens } from '../../shared/users/service.ts';

/** POST /v1/tokens: a personal token for a script, an extension or a feed reader; its secret is shown once. */
export const handler = route('createToken', async (request, caller) => {
  const fields = validate(createTokenRequest, fieldsOf({}, request.body));
  const created = await tokens().create(caller.username, {
    name: fields.name,
    scope: fields.scope,
    expiresInDays: fields.expires_in_days,
  });
  return { status: 201, body: toCreatedTokenResponse(created), headers: NO_STORE };
});
