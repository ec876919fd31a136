import { route } from '../../shared/http/handler.ts';
import { fieldsOf, validate } from '../../shared/http/validate.ts';
import { accountDeletion } from '../../shared/users/erasure-service.ts';
import { deleteAccountRequest } from '../../shared/users/schemas/account.ts';

/** DELETE /v1/me: the account is gone for others at once, its credentials end, and its erasure is queued. */
export const handler = route('deleteAccount', async (request, caller) => {
  const { confirm } = validate(deleteAccountRequest, fieldsOf({}, request.body));
  await accountDeletion().start(caller.username, confirm);
  return { status: 202, body: { status: 'deleting' } };
});
