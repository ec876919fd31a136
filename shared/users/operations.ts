import * as z from 'zod';
import { SESSION_COOKIES } from '../http/browser-session.ts';
import { FOREIGN_ORIGIN, answer, bodyOf, failure, json, type Operations } from '../http/openapi-operation.ts';
import { deleteAccountRequest, deletionResponse } from './schemas/account.ts';
import {
  devLoginRequest,
  loginCallbackQuery,
  loginQuery,
  logoutQuery,
  tokenResponse,
} from './schemas/login.ts';
import { ownProfile, publicProfile } from './schemas/profiles.ts';
import { createdTokenResponse, createTokenRequest, tokenListing } from './schemas/tokens.ts';
import { MAX_PERSONAL_TOKENS } from './tokens.ts';

/** A `Set-Cookie` of the browser session (shared/http/browser-session.ts). */
function sessionCookieHeader(description: string) {
  return z.string().meta({
    description:
      `${description} \`${SESSION_COOKIES.https}\` over HTTPS (Secure), \`${SESSION_COOKIES.http}\` over http; ` +
      'HttpOnly, SameSite=Lax, Path=/.',
  });
}

/** The OpenAPI descriptions of the users context's routes: login, tokens and profiles. */
export const userOperations = {
  devLogin: {
    summary: 'Issue a token without GitHub (local runtime only)',
    description:
      'Registers the user on first use and issues an access token, with no GitHub app and no network. ' +
      "A request from the service's own pages (an `Origin` of this service, or `X-Requested-With` without " +
      "one: the web client's sign-in form) also gets the session as the HttpOnly session cookie. It does not " +
      'exist on a deployed stack (there, `GET /dev/login` is a 404; locally a 405).',
    requestBody: bodyOf(devLoginRequest),
    responses: {
      '200': answer('Token issued', {
        content: json(tokenResponse),
        headers: {
          'Set-Cookie': sessionCookieHeader('The session cookie, for a request from this origin.').optional(),
        },
      }),
    },
  },
  logout: {
    summary: "Revoke the presented access token, or all of the caller's",
    description:
      'The token is dead at once: the same token then gets 401. `GET` works too, for the original clients. ' +
      'With `?everywhere=true`, every login session and personal token of the caller ends at once. Any valid ' +
      'token may end itself, whatever its scope. A browser signed in by the session cookie gets it cleared; ' +
      "such a request must come from the service's own pages, by `GET` too.",
    query: logoutQuery,
    responses: {
      '204': answer('Revoked', {
        headers: { 'Set-Cookie': sessionCookieHeader('Clears the session cookie.') },
      }),
      '403': failure(FOREIGN_ORIGIN),
    },
  },
  deleteAccount: {
    summary: "Delete the caller's account and everything of it",
    description:
      "Confirmed with the caller's own username. The account is gone for everybody at once (its profile is 404, " +
      'nobody can follow it) and its sessions and tokens are dead; then, asynchronously (seconds, a few minutes ' +
      "for tens of thousands of links), its follows both ways (the others' counts corrected), its events in " +
      "others' news, its links, snapshots and own news, and its GitHub sign-in go. Signing in again with the " +
      'same GitHub account afterwards creates a new, empty account. Needs a login session.',
    requestBody: bodyOf(deleteAccountRequest),
    responses: {
      '202': answer('Deleting', { content: json(deletionResponse) }),
    },
  },
  createToken: {
    summary: 'Create a personal token',
    description:
      'A token for a script, a browser extension or a feed reader, narrower than a login session: scope `read` ' +
      'may only read (`GET`), `feed` only the news feed, `write` everything but managing tokens and deleting ' +
      'the account. The secret (`token`) is shown only in this answer; the service keeps only its hash. ' +
      `Optional expiry of 1 to 365 days; at most ${MAX_PERSONAL_TOKENS} live personal tokens per user (one more ` +
      'is a 400). Needs a login session.',
    requestBody: bodyOf(createTokenRequest),
    responses: {
      '201': answer('Created; the secret is shown only here', {
        content: json(createdTokenResponse),
        headers: { 'Cache-Control': z.literal('no-store') },
      }),
    },
  },
  listTokens: {
    summary: "The caller's login sessions and personal tokens",
    description:
      'Live ones only, newest first, without secrets. `current` marks the credential that made this request; ' +
      '`last_used_at` is noted at most once a minute. Needs a login session.',
    responses: { '200': answer('Sessions and tokens', { content: json(tokenListing) }) },
  },
  deleteToken: {
    summary: 'End a login session or a personal token',
    description: 'Dead at once: the token then gets 401. Needs a login session.',
    responses: {
      '204': answer('Ended'),
      '404': failure('The caller has no session or token of that id (`not_found`).'),
    },
  },
  login: {
    summary: 'Log in with GitHub',
    description:
      "Redirects to GitHub's authorize page (scopes `read:user user:email`) with a fresh random `state`, also set " +
      'in the HttpOnly, SameSite=Lax cookie `delinkcious_oauth_state` (Secure on HTTPS) for 10 minutes; `next`, ' +
      'where the browser lands once signed in, waits the same way in `delinkcious_oauth_next`.',
    query: loginQuery,
    responses: {
      '302': answer("To GitHub's authorize page", {
        headers: {
          Location: z.string().meta({ description: "GitHub's authorize URL, with the state." }),
          'Set-Cookie': z.string().meta({ description: 'The state cookie (and the `next` cookie).' }),
          'Cache-Control': z.literal('no-store'),
        },
      }),
      '503': failure('GitHub login is not configured here (locally, the message points to POST /dev/login).'),
    },
  },
  loginCallback: {
    summary: "GitHub's redirect back: sign the browser in, or issue an access token",
    description:
      'The `state` must equal the state cookie and be unused and under 10 minutes old. The code is exchanged, ' +
      "GitHub's user and primary verified email are read, the user is registered on first login (username: the " +
      "GitHub login, lower-cased; GitHub's numeric id keeps a renamed account the same user) and a token is issued. " +
      'A browser (`Accept` preferring `text/html`) gets the session as the HttpOnly session cookie and a 302 into ' +
      'the web client (where `GET /login?next=` asked, else `/`); any other client gets the token as JSON. When the user declines, GitHub sends ' +
      '`error` instead of `code`: that request is answered 401.',
    query: loginCallbackQuery,
    responses: {
      '200': answer('Logged in: the token, for clients that are not browsers', {
        content: json(tokenResponse),
        headers: {
          'Set-Cookie': z.string().meta({ description: 'Clears the state cookie.' }),
          'Cache-Control': z.literal('no-store'),
        },
      }),
      '302': answer('A browser signed in: on into the web client', {
        headers: {
          Location: z.string().meta({ description: 'The `next` path given to GET /login, else `/`.' }),
          'Set-Cookie': sessionCookieHeader('Clears the state cookie and sets the session cookie.'),
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
