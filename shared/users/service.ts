import { config } from '../config.ts';
import { DynamoCredentialStore, DynamoUserStore } from './dynamodb.ts';
import { Sessions } from './sessions.ts';
import { Tokens } from './tokens.ts';

let sessionsInstance: Sessions | undefined;
let tokensInstance: Tokens | undefined;

/** The sessions core wired to its DynamoDB adapters, once per cold start. */
export function sessions(): Sessions {
  sessionsInstance ??= new Sessions(new DynamoCredentialStore(), new DynamoUserStore(), {
    lifetimeDays: config().SESSION_LIFETIME_DAYS,
    maxSessionsPerUser: config().MAX_SESSIONS_PER_USER,
  });
  return sessionsInstance;
}

/** The tokens core (personal tokens, listing, revokeAll) wired to the credentials table, once per cold start. */
export function tokens(): Tokens {
  tokensInstance ??= new Tokens(new DynamoCredentialStore());
  return tokensInstance;
}

/** Tests install sessions over in-memory stores here; undefined restores the DynamoDB wiring. */
export function setSessionsForTests(replacement: Sessions | undefined): void {
  sessionsInstance = replacement;
}

/** Tests install the tokens core over in-memory stores here; undefined restores the DynamoDB wiring. */
export function setTokensForTests(replacement: Tokens | undefined): void {
  tokensInstance = replacement;
}
