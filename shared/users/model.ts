import { z } from 'zod';

/** GitHub logins, lower-cased: the only usernames there are. */
export const usernameSchema = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .pipe(
    z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,38}$/,
        'a username is 1 to 39 letters, digits or hyphens, not starting with a hyphen',
      ),
  );

export interface User {
  username: string;
  name: string;
  email: string | null;
  avatarUrl: string | null;
  createdAt: string;
}

export interface Session {
  tokenHash: string;
  username: string;
  createdAt: string;
  expiresAt: string;
}
