import * as z from 'zod';
import { answer, bodyOf, failure, json, type Operations } from '../http/openapi-operation.ts';
import { devLoginRequest, loginCallbackQuery, ownProfile, publicProfile, tokenResponse } from './schemas.ts';

/** The OpenAPI descriptions of the users context's routes: login, tokens and profiles. */
export const userOperations = {
  devLogin: {
    summary: 'Issue a token without GitHub (local runtime only)',
    description:
      'Registers the user on first use and issues an access token, with no GitHub app and no network. ' +
      'It does not exist on a deployed stack.',
    requestBody: bodyOf(devLoginRequest),
    responses: { '200': answer('Token issued', { content: json(tokenResponse) }) },
  },
  logout: {
    summary: 'Revoke the presented access token',
    description:
      'The token is dead at once: the same token then gets 401. `GET` works too, for the original clients.',
    responses: { '204': answer('Revoked') },
  },
  login: {
    summary: 'Log in with GitHub',
    description:
      "Redirects to GitHub's authorize page (scopes `read:user user:email`) with a fresh random `state`, also set " +
      'in the HttpOnly, SameSite=Lax cookie `delinkcious_oauth_state` (Secure on HTTPS) for 10 minutes.',
    responses: {
      '302': answer("To GitHub's authorize page", {
        headers: {
          Location: z.string().meta({ description: "GitHub's authorize URL, with the state." }),
          'Set-Cookie': z.string().meta({ description: 'The state cookie.' }),
          'Cache-Control': z.literal('no-store'),
        },
      }),
      '503': failure('GitHub login is not configured here (locally, the message points to POST /dev/login).'),
    },
  },
  loginCallback: {
    summary: "GitHub's redirect back: issue an access token",
    description:
      'The `state` must equal the state cookie and be unused and under 10 minutes old. The code is exchanged, ' +
      "GitHub's user and primary verified email are read, the user is registered on first login (username: the " +
      "GitHub login, lower-cased; GitHub's numeric id keeps a renamed account the same user) and a token is issued. " +
      'With `Accept: text/html`, the same facts come as a page. When the user declines, GitHub sends `error` ' +
      'instead of `code`: that request is answered 401.',
    query: loginCallbackQuery,
    responses: {
      '200': answer('Logged in', {
        content: {
          'application/json': { schema: tokenResponse },
          'text/html': { schema: z.string().meta({ description: 'A page showing the token' }) },
        },
        headers: {
          'Set-Cookie': z.string().meta({ description: 'Clears the state cookie.' }),
          'Cache-Control': z.literal('no-store'),
        },
      }),
      '400': failure('Missing, mismatched, unknown, expired or reused state; or neither `code` nor `error`.'),
      '401': failure('Declined on GitHub, a bad or expired code, or no verified primary email.', {
        'WWW-Authenticate': z.literal('Bearer'),
      }),
      '409': failure('The username belongs to another GitHub account (one that had this login before).'),
      '503': failure('GitHub is down or not configured here.'),
    },
  },
  me: {
    summary: "The caller's profile, with the email and the counts",
    description: "`links_count` counts all the caller's links, private ones included.",
    responses: { '200': answer('The profile', { content: json(ownProfile) }) },
  },
  getUser: {
    summary: "A user's public profile, with the counts",
    description: 'Any user, by username; `links_count` counts public links only. No email.',
    responses: {
      '200': answer('The profile', { content: json(publicProfile) }),
      '404': failure('No such user'),
    },
  },
} satisfies Operations<'users'>;
