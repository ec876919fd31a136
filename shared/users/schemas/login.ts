import * as z from '../../zod.ts';
import { safeReturnPath } from '../../../web/src/paths.ts';
import { timestampSchema } from '../../http/schemas.ts';
import { usernameSchema } from '../model.ts';
import type { IssuedToken } from '../sessions.ts';
import { toUserResponse, userResponse } from './profiles.ts';

/** Logging in and out: the dev login, GitHub's login and its callback, the token they issue, and logout. */

export const devLoginRequest = z.meta(z.strictObject({ username: usernameSchema }), {
  id: 'DevLoginRequest',
});

export const tokenResponse = z.meta(
  z.object({
    access_token: z.string(),
    token_type: z.literal('bearer'),
    expires_at: timestampSchema,
    user: userResponse,
  }),
  { id: 'AccessToken' },
);

export function toTokenResponse(issued: IssuedToken): z.infer<typeof tokenResponse> {
  return {
    access_token: issued.accessToken,
    token_type: 'bearer',
    expires_at: issued.expiresAt,
    user: toUserResponse(issued.user),
  };
}

/** GET /login: where the browser goes once signed in, a path of the site's own (never another origin). */
export const loginQuery = z.meta(
  z.object({
    next: z.meta(
      z.optional(
        z.string().check(
          z.maxLength(2048),
          z.refine((next) => safeReturnPath(next) === next, 'a path on this site, such as /add?url=...'),
        ),
      ),
      { description: 'Where a browser lands once signed in (default `/`): a path on this site.' },
    ),
  }),
  { id: 'LoginQuery' },
);

/** GitHub's redirect back to /login/authorized: a code, or GitHub's error; the state in both cases. */
export const loginCallbackQuery = z.meta(
  z
    .object({
      state: z.string().check(z.minLength(1), z.maxLength(512)),
      // Required in the document: a request without a code can only be GitHub's `error`, always a 401.
      code: z.meta(z.optional(z.string().check(z.minLength(1), z.maxLength(512))), {
        param: { required: true },
        description: "GitHub's authorization code.",
      }),
      error: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
      error_description: z.optional(z.string().check(z.maxLength(1024))),
    })
    .check(
      z.refine((query) => query.code !== undefined || query.error !== undefined, {
        path: ['code'],
        message: 'required',
      }),
    ),
  { id: 'LoginCallbackQuery' },
);

/** POST /logout: `?everywhere=true` ends every session and token of the caller. */
export const logoutQuery = z.meta(
  z.object({
    everywhere: z.meta(
      z.pipe(
        z._default(z.enum(['true', 'false']), 'false'),
        z.transform((value: 'true' | 'false') => value === 'true'),
      ),
      { description: '`true`: end every session and personal token of the caller, not only this one.' },
    ),
  }),
  { id: 'LogoutQuery' },
);
