import * as z from '../../zod.ts';

/** Deleting one's account: DELETE /v1/me. */

/** DELETE /v1/me: the caller's own username, in any case, confirms that the account is to go. */
export const deleteAccountRequest = z.meta(
  z.strictObject({
    confirm: z.pipe(
      z.meta(z.string(), { description: 'Your username, to confirm the deletion.', example: 'alice' }),
      z.transform((value: string) => value.trim().toLowerCase()),
    ),
  }),
  { id: 'DeleteAccountRequest' },
);

/** The answer to DELETE /v1/me: the erasure runs on, asynchronously. */
export const deletionResponse = z.meta(z.object({ status: z.literal('deleting') }), {
  id: 'AccountDeletion',
});
