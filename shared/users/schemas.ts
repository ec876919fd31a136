import { z } from 'zod';
import type { IssuedToken } from './sessions.ts';
import { usernameSchema } from './model.ts';

export const devLoginRequest = z.object({ username: usernameSchema }).meta({ id: 'DevLoginRequest' });

export const userSchema = z
  .object({
    username: z.string(),
    name: z.string(),
    avatar_url: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'User' });

export const tokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal('bearer'),
    expires_at: z.string(),
    user: userSchema,
  })
  .meta({ id: 'AccessToken' });

export function toTokenResponse(issued: IssuedToken): z.infer<typeof tokenResponse> {
  return {
    access_token: issued.accessToken,
    token_type: 'bearer',
    expires_at: issued.expiresAt,
    user: {
      username: issued.user.username,
      name: issued.user.name,
      avatar_url: issued.user.avatarUrl,
      created_at: issued.user.createdAt,
    },
  };
}
